//! `graph-emulator --port 0 --token T [--tls-dir DIR] [--page-size N]`: prints its base URL on the
//! first line (and, with TLS, `ca: <path>` on the second), then serves until killed.
//! `graph-emulator --follow URL` acts as the browser of a test's sign-in instead.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};

use graph_emulator::{spawn, EmulatorConfig};

const USAGE: &str = "usage: graph-emulator [--port N] [--bind 127.0.0.1|::1] [--token TOKEN] [--tls-dir DIR] [--page-size N]\n       graph-emulator --follow URL";

fn main() {
    let mut config = EmulatorConfig::default();
    let mut port: u16 = 0;
    let mut ip: IpAddr = config.bind.ip();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next().unwrap_or_else(|| {
                eprintln!("{name} needs a value\n{USAGE}");
                std::process::exit(2)
            })
        };
        match arg.as_str() {
            "--port" => {
                port = value("--port").parse().unwrap_or_else(|_| {
                    eprintln!("--port expects a number from 0 to 65535");
                    std::process::exit(2)
                })
            }
            "--bind" => {
                ip = value("--bind").parse().unwrap_or_else(|_| {
                    eprintln!("--bind expects an IP address");
                    std::process::exit(2)
                })
            }
            "--token" => config.token = value("--token"),
            "--tls-dir" => config.tls_dir = Some(value("--tls-dir").into()),
            "--page-size" => {
                config.page_size = value("--page-size")
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .unwrap_or_else(|| {
                        eprintln!("--page-size expects a number of at least 1");
                        std::process::exit(2)
                    })
            }
            "--follow" => match graph_emulator::follow(&value("--follow")) {
                Ok(_) => return,
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(1)
                }
            },
            "--help" | "-h" => {
                println!("{USAGE}");
                return;
            }
            other => {
                eprintln!("unknown argument '{other}'\n{USAGE}");
                std::process::exit(2)
            }
        }
    }
    config.bind = SocketAddr::new(ip, port);
    let emulator = match spawn(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1)
        }
    };
    println!("{}", emulator.base_url());
    if let Some(ca) = emulator.ca_path() {
        println!("ca: {}", ca.display());
    }
    let _ = std::io::stdout().flush();
    // Serve until the process is killed.
    loop {
        std::thread::park();
    }
}
