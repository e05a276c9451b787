//! HTTPS for the emulator: a CA and a server certificate made at start-up
//! (rcgen), the CA written where clients can be told to trust it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, SanType};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// A TLS acceptor and the path of the CA that signed its certificate.
pub struct TlsSetup {
    pub acceptor: TlsAcceptor,
    pub ca_path: PathBuf,
}

fn io_error(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// Makes a CA and a server certificate for 127.0.0.1 and ::1 only (so that
/// `localhost` is a wrong host name), and writes the CA to `dir/ca.pem`.
pub fn setup(dir: &Path) -> std::io::Result<TlsSetup> {
    let ca_key = KeyPair::generate().map_err(io_error)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(io_error)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "graph-emulator test CA");
    let ca_cert = ca_params.self_signed(&ca_key).map_err(io_error)?;
    let issuer = rcgen::Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().map_err(io_error)?;
    let mut server_params = CertificateParams::new(Vec::<String>::new()).map_err(io_error)?;
    server_params.subject_alt_names = vec![
        SanType::IpAddress([127, 0, 0, 1].into()),
        SanType::IpAddress(std::net::Ipv6Addr::LOCALHOST.into()),
    ];
    server_params
        .distinguished_name
        .push(DnType::CommonName, "graph-emulator");
    let server_cert = server_params
        .signed_by(&server_key, &issuer)
        .map_err(io_error)?;

    std::fs::create_dir_all(dir)?;
    let ca_path = dir.join("ca.pem");
    std::fs::write(&ca_path, ca_cert.pem())?;

    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io_error)?
        .with_no_client_auth()
        .with_single_cert(
            vec![
                CertificateDer::from(server_cert.der().to_vec()),
                CertificateDer::from(ca_cert.der().to_vec()),
            ],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
        )
        .map_err(io_error)?;
    // HTTP/2 where the client offers it, as Graph's front ends do.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsSetup {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        ca_path,
    })
}

/// Serves `app` over TLS until `stop` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    acceptor: TlsAcceptor,
    app: Router,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((tcp, _)) = accepted else { continue };
        // As Graph's front doors do: a handshake flight split over writes must not wait
        // 40 ms for the client's delayed acknowledgement.
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let app = app.clone();
        tokio::spawn(async move {
            // A client that refuses our certificate ends its handshake here; that is its test.
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let service = TowerToHyperService::new(app);
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}
