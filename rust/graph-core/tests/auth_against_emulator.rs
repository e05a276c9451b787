//! App-only sign-in against the emulator's identity platform, through the
//! same JSON operations the shim starts. The session is process-wide, so the
//! connected steps run one test at a time (SESSION_LOCK).

use std::sync::Mutex;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use graph_core::events::Event;
use graph_core::operations as ops;
use graph_core::signin::{client_assertion, CertificateCredential};
use graph_emulator::{AppRegistration, ManagedIdentity, RunningEmulator};
use secrecy::SecretBox;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

mod common;
use common::{error_of, result_of, run, start};

static SESSION_LOCK: Mutex<()> = Mutex::new(());

fn app(tenant: &str, client: &str) -> AppRegistration {
    AppRegistration {
        tenant_id: tenant.into(),
        client_id: client.into(),
        client_secret: Some("right-secret".into()),
        certificate: None,
        roles: vec!["Calls.InitiateGroupCall.All".into()],
        token_lifetime_seconds: 3600,
        display_name: Some("Invite bot".into()),
    }
}

fn invite(call: &str) -> Value {
    json!({"op": "invite", "args": {"callId": call, "body": {"participants": [{"identity": {"user": {"id": "u"}}}]}}})
}

fn token_requests(emulator: &RunningEmulator) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.kind == "token")
        .count()
}

fn secret_connect(env: &str, tenant: &str, client: &str, secret: &str) -> Value {
    json!({"op": "connect", "args": {"type": "clientSecret", "environment": env, "tenantId": tenant, "clientId": client, "clientSecret": secret}})
}

#[test]
fn client_secret_signs_in_invites_and_never_records_the_secret() {
    let _guard = SESSION_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let emulator = start("AuthSecret");
    emulator.register_app(app("tenant-a", "client-a")).unwrap();
    let events = run(secret_connect(
        "AuthSecret",
        "tenant-a",
        "client-a",
        "right-secret",
    ));
    let context = result_of(&events).expect("connected");
    assert_eq!(context["AuthType"], "AppOnly");
    assert_eq!(context["TokenCredentialType"], "ClientSecret");
    assert_eq!(context["ClientId"], "client-a");
    assert_eq!(context["Scopes"], json!(["Calls.InitiateGroupCall.All"]));
    assert_eq!(context["AppName"], "Invite bot");

    let events = run(invite("call-1"));
    assert!(error_of(&events).is_none(), "{events:?}");
    let requests = emulator.requests();
    let token = requests.iter().find(|r| r.kind == "token").unwrap();
    assert_eq!(token.raw_path, "/tenant-a/oauth2/v2.0/token");
    assert_eq!(token.body["grant_type"], "client_credentials");
    assert_eq!(
        token.body["scope"],
        format!("{}/.default", emulator.base_url())
    );
    assert_eq!(token.body["client_secret"], "***");
    assert!(!serde_json::to_string(&requests)
        .unwrap()
        .contains("right-secret"));
    assert!(requests
        .iter()
        .any(|r| r.kind == "invite" && r.token_accepted));
    assert!(run(json!({"op": "disconnect"}))
        .iter()
        .all(|e| !matches!(e, Event::Error { .. })));
}

#[test]
fn sign_in_failures_carry_the_identity_platforms_code() {
    let _guard = SESSION_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let emulator = start("AuthFailures");
    emulator.register_app(app("tenant-b", "client-b")).unwrap();
    let mut no_permission = app("tenant-b", "client-np");
    no_permission.roles = vec!["User.Read.All".into()];
    emulator.register_app(no_permission).unwrap();

    let cases = [
        (
            secret_connect("AuthFailures", "tenant-b", "client-b", "wrong"),
            "invalid_client",
            "AADSTS7000215",
            "AuthenticationError",
        ),
        (
            secret_connect("AuthFailures", "tenant-x", "client-b", "right-secret"),
            "invalid_request",
            "AADSTS90002",
            "AuthenticationError",
        ),
        (
            secret_connect("AuthFailures", "tenant-b", "client-zz", "right-secret"),
            "unauthorized_client",
            "AADSTS700016",
            "AuthenticationError",
        ),
    ];
    for (request, id, text, category) in cases {
        let events = run(request);
        let error = error_of(&events).unwrap_or_else(|| panic!("expected {id}: {events:?}"));
        assert_eq!(error.error_id, id);
        assert!(error.message.contains(text), "{}", error.message);
        assert_eq!(error.category, category);
        assert!(!error.message.contains("right-secret"));
        assert!(
            run(json!({"op": "getContext"}))
                .iter()
                .all(|e| !matches!(e, Event::Result { .. })),
            "not connected after a failure"
        );
    }

    // A token without the invite permission connects (it serves other Graph calls, with a
    // warning); the invite is refused before anything is sent.
    let events = run(secret_connect(
        "AuthFailures",
        "tenant-b",
        "client-np",
        "right-secret",
    ));
    assert!(error_of(&events).is_none(), "{events:?}");
    assert!(events.iter().any(|e| matches!(e, Event::Warning { message } if message.contains("Calls.InitiateGroupCall.All"))));
    emulator.clear_requests();
    let events = run(invite("call-np"));
    let error = error_of(&events).expect("the invite is refused");
    assert_eq!(error.error_id, "MissingApplicationPermission");
    assert_eq!(error.category, "PermissionDenied");
    assert!(error.message.contains("User.Read.All"), "{}", error.message);
    assert!(emulator.requests().iter().all(|r| r.kind != "invite"));
    run(json!({"op": "disconnect"}));

    // An identity endpoint that does not answer: a closed loopback port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let add = json!({"op": "addEnvironment", "args": {"name": "AuthClosed", "graphEndpoint": emulator.base_url(), "azureADEndpoint": format!("http://{closed}")}});
    run(add);
    let events = run(secret_connect(
        "AuthClosed",
        "tenant-b",
        "client-b",
        "right-secret",
    ));
    let error = error_of(&events).unwrap();
    assert_eq!(error.error_id, "IdentityEndpointUnreachable");
    assert_eq!(error.category, "AuthenticationError");
}

struct TestCert {
    der: Vec<u8>,
    key_pkcs8: Vec<u8>,
    public_pem: String,
}

fn make_cert() -> TestCert {
    let key = rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
        .unwrap();
    let params = rcgen::CertificateParams::new(vec!["invite-bot.test".to_string()]).unwrap();
    let cert = params.self_signed(&key).unwrap();
    TestCert {
        der: cert.der().to_vec(),
        key_pkcs8: key.serialize_der(),
        public_pem: key.public_key_pem(),
    }
}

fn cert_connect(env: &str, tenant: &str, client: &str, cert: &TestCert, send_chain: bool) -> Value {
    json!({"op": "connect", "args": {
        "type": "certificate", "environment": env, "tenantId": tenant, "clientId": client,
        "privateKey": STANDARD.encode(&cert.key_pkcs8),
        "x5t": URL_SAFE_NO_PAD.encode([0u8; 20]),
        "x5tS256": URL_SAFE_NO_PAD.encode(Sha256::digest(&cert.der)),
        "x5c": [STANDARD.encode(&cert.der)], "sendChain": send_chain,
        "thumbprint": "ABCDEF", "subjectName": "CN=invite-bot.test"
    }})
}

#[test]
fn the_client_assertion_is_a_valid_rs256_jwt() {
    let cert = make_cert();
    let credential = CertificateCredential {
        tenant_id: "t".into(),
        client_id: "client-jwt".into(),
        private_key: SecretBox::new(cert.key_pkcs8.clone().into_boxed_slice()),
        x5t: "sha1-thumb".into(),
        x5t_s256: URL_SAFE_NO_PAD.encode(Sha256::digest(&cert.der)),
        x5c: vec![STANDARD.encode(&cert.der)],
        send_chain: true,
    };
    let audience = "http://127.0.0.1:1/t/oauth2/v2.0/token";
    let jwt = client_assertion(&credential, audience).unwrap();
    use secrecy::ExposeSecret;
    let header = jsonwebtoken::decode_header(jwt.expose_secret()).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
    assert_eq!(header.x5t.as_deref(), Some("sha1-thumb"));
    assert_eq!(header.x5t_s256, Some(credential.x5t_s256.clone()));
    assert_eq!(header.x5c, Some(credential.x5c.clone()));
    let key = jsonwebtoken::DecodingKey::from_rsa_pem(cert.public_pem.as_bytes()).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "nbf", "aud", "iss", "sub"]);
    let data = jsonwebtoken::decode::<Value>(jwt.expose_secret(), &key, &validation).unwrap();
    assert_eq!(data.claims["iss"], "client-jwt");
    assert_eq!(data.claims["sub"], "client-jwt");
    assert!(data.claims["jti"].as_str().is_some_and(|j| j.len() == 36));
    let exp = data.claims["exp"].as_u64().unwrap();
    let nbf = data.claims["nbf"].as_u64().unwrap();
    assert_eq!(exp - nbf, 600);

    let without_chain = CertificateCredential {
        send_chain: false,
        ..credential
    };
    let jwt = client_assertion(&without_chain, audience).unwrap();
    assert!(jsonwebtoken::decode_header(jwt.expose_secret())
        .unwrap()
        .x5c
        .is_none());
}

#[test]
fn certificate_signs_in_and_a_wrong_certificate_is_refused() {
    let _guard = SESSION_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let emulator = start("AuthCert");
    let cert = make_cert();
    let mut registration = app("tenant-c", "client-c");
    registration.client_secret = None;
    registration.certificate = Some(STANDARD.encode(&cert.der));
    emulator.register_app(registration).unwrap();

    let events = run(cert_connect(
        "AuthCert", "tenant-c", "client-c", &cert, true,
    ));
    let context = result_of(&events).unwrap_or_else(|| panic!("{events:?}"));
    assert_eq!(context["TokenCredentialType"], "ClientCertificate");
    assert_eq!(context["CertificateThumbprint"], "ABCDEF");
    assert!(error_of(&run(invite("cert-call"))).is_none());
    let token = emulator
        .requests()
        .into_iter()
        .find(|r| r.kind == "token")
        .unwrap();
    assert_eq!(token.body["client_assertion"], "***");
    assert_eq!(
        token.body["client_assertion_type"],
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    );

    let other = make_cert();
    let events = run(cert_connect(
        "AuthCert", "tenant-c", "client-c", &other, false,
    ));
    let error = error_of(&events).unwrap();
    assert_eq!(error.error_id, "invalid_client");
    assert!(error.message.contains("AADSTS700027"), "{}", error.message);
    run(json!({"op": "disconnect"}));
}

#[test]
fn expired_tokens_are_refreshed_once_even_for_parallel_calls() {
    let _guard = SESSION_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let emulator = start("AuthRefresh");
    emulator.register_app(app("tenant-r", "client-r")).unwrap();
    assert!(error_of(&run(secret_connect(
        "AuthRefresh",
        "tenant-r",
        "client-r",
        "right-secret"
    )))
    .is_none());
    assert_eq!(token_requests(&emulator), 1);

    // The service now calls the cached token expired: each call gets a 401, one refresh, one retry.
    emulator.expire_tokens();
    let calls: Vec<_> = (0..8)
        .map(|i| ops::start(invite(&format!("parallel-{i}")).to_string().as_bytes()))
        .collect();
    for call in calls {
        let events: Vec<Event> = call.events.iter().collect();
        assert!(error_of(&events).is_none(), "{events:?}");
    }
    assert_eq!(
        token_requests(&emulator),
        2,
        "eight stale calls, one refresh"
    );
    run(json!({"op": "disconnect"}));
}

#[test]
fn managed_identity_through_identity_endpoint_and_metadata_override() {
    let _guard = SESSION_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let emulator = start("AuthMsi");
    emulator.set_managed_identity(ManagedIdentity {
        identity_header: "header-secret".into(),
        client_id: "system-mi".into(),
        user_assigned: vec!["user-mi".into()],
        roles: vec!["Calls.InitiateGroupCall.All".into()],
        token_lifetime_seconds: 3600,
    });
    let app_service = json!({"op": "connect", "args": {"type": "managedIdentity", "environment": "AuthMsi",
        "identityEndpoint": format!("{}/msi/token", emulator.base_url()), "identityHeader": "header-secret", "clientId": "user-mi"}});
    let events = run(app_service);
    let context = result_of(&events).unwrap_or_else(|| panic!("{events:?}"));
    assert_eq!(context["TokenCredentialType"], "ManagedIdentity");
    assert_eq!(context["ManagedIdentityId"], "user-mi");
    assert!(error_of(&run(invite("mi-call"))).is_none());
    let mi = emulator
        .requests()
        .into_iter()
        .find(|r| r.kind == "managedIdentity")
        .unwrap();
    assert_eq!(mi.body["client_id"], "user-mi");
    assert_eq!(mi.body["resource"], emulator.base_url());
    assert!(!mi.headers.contains_key("x-identity-header"));

    let imds = json!({"op": "connect", "args": {"type": "managedIdentity", "environment": "AuthMsi", "imdsHost": emulator.base_url()}});
    let events = run(imds);
    assert!(error_of(&events).is_none(), "{events:?}");
    let wrong_header = json!({"op": "connect", "args": {"type": "managedIdentity", "environment": "AuthMsi",
        "identityEndpoint": format!("{}/msi/token", emulator.base_url()), "identityHeader": "wrong"}});
    assert_eq!(
        error_of(&run(wrong_header)).unwrap().category,
        "AuthenticationError"
    );
    run(json!({"op": "disconnect"}));
}
