//! Shared pieces of the benchmark binaries: latency statistics.

/// Errors of the benchmark tools.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("{0}")]
    Usage(String),
    #[error("request failed: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the server answered {0}")]
    Status(u16),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    #[error("chart: {0}")]
    Chart(String),
}

/// Median, 95th percentile and mean of latencies in microseconds.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Summary {
    pub p50_us: f64,
    pub p95_us: f64,
    pub mean_us: f64,
    pub count: usize,
}

pub fn summarize(mut samples_us: Vec<f64>) -> Summary {
    samples_us.sort_by(|a, b| a.total_cmp(b));
    let count = samples_us.len();
    let at = |q: f64| {
        if count == 0 {
            return 0.0;
        }
        let index = ((count as f64 - 1.0) * q).round() as usize;
        samples_us[index.min(count - 1)]
    };
    Summary {
        p50_us: at(0.5),
        p95_us: at(0.95),
        mean_us: if count == 0 {
            0.0
        } else {
            samples_us.iter().sum::<f64>() / count as f64
        },
        count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles() {
        let s = summarize((1..=100).map(f64::from).collect());
        assert_eq!(s.p50_us, 51.0);
        assert_eq!(s.p95_us, 95.0);
        assert_eq!(s.count, 100);
        assert_eq!(summarize(Vec::new()).count, 0);
    }
}
