//! The floor of the call-latency benchmark: the same invite POST (URL, headers,
//! body) sent in a plain Rust loop with reqwest, `--concurrency` at a time.
//! Prints one JSON object: latency summary and calls per second.

use std::time::Instant;

use graph_bench::{summarize, BenchError};

const SEED_BODY: &str = r##"{"participants":[{"@odata.type":"#microsoft.graph.invitationParticipantInfo","replacesCallId":"a7ebfb2d-871e-419c-87af-27290b22e8db","identity":{"@odata.type":"#microsoft.graph.identitySet","user":{"@odata.type":"#microsoft.graph.identity","id":"278405a3-f568-4b3e-b684-009193463064","displayName":"string"}}}],"clientContext":"f2fa86af-3c51-4bc2-8fc0-475452d9764f"}"##;

struct Args {
    url: String,
    token: String,
    calls: usize,
    concurrency: usize,
    warmup: usize,
}

fn parse() -> Result<Args, BenchError> {
    let mut args = Args {
        url: String::new(),
        token: String::new(),
        calls: 2000,
        concurrency: 1,
        warmup: 50,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| BenchError::Usage(format!("{flag} needs a value")))?;
        let number = || {
            value
                .parse::<usize>()
                .map_err(|_| BenchError::Usage(format!("{flag} expects a number")))
        };
        match flag.as_str() {
            "--url" => args.url = value.clone(),
            "--token" => args.token = value.clone(),
            "--calls" => args.calls = number()?,
            "--concurrency" => args.concurrency = number()?.max(1),
            "--warmup" => args.warmup = number()?,
            other => return Err(BenchError::Usage(format!("unknown flag {other}"))),
        }
    }
    if args.url.is_empty() {
        return Err(BenchError::Usage(
            "usage: invite-floor --url URL --token T [--calls N] [--concurrency C] [--warmup W]"
                .into(),
        ));
    }
    Ok(args)
}

async fn one(client: &reqwest::Client, args: &Args) -> Result<f64, BenchError> {
    let began = Instant::now();
    let response = client
        .post(&args.url)
        .bearer_auth(&args.token)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(SEED_BODY)
        .send()
        .await?;
    let status = response.status().as_u16();
    response.bytes().await?;
    if status != 200 {
        return Err(BenchError::Status(status));
    }
    Ok(began.elapsed().as_secs_f64() * 1e6)
}

fn main() -> Result<(), BenchError> {
    let args = parse()?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let client = reqwest::Client::builder().build()?;
        for _ in 0..args.warmup {
            one(&client, &args).await?;
        }
        let began = Instant::now();
        let per_worker = args.calls.div_ceil(args.concurrency);
        let mut workers = Vec::new();
        for _ in 0..args.concurrency {
            let client = client.clone();
            let args = Args { url: args.url.clone(), token: args.token.clone(), ..args };
            workers.push(tokio::spawn(async move {
                let mut samples = Vec::with_capacity(per_worker);
                for _ in 0..per_worker {
                    samples.push(one(&client, &args).await?);
                }
                Ok::<_, BenchError>(samples)
            }));
        }
        let mut samples = Vec::new();
        for worker in workers {
            samples.extend(worker.await.map_err(|e| BenchError::Usage(e.to_string()))??);
        }
        let seconds = began.elapsed().as_secs_f64();
        let calls = samples.len();
        let summary = summarize(samples);
        println!(
            "{}",
            serde_json::json!({"p50_us": summary.p50_us, "p95_us": summary.p95_us, "mean_us": summary.mean_us,
                "count": calls, "calls_per_sec": calls as f64 / seconds})
        );
        Ok(())
    })
}
