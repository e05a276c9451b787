//! Draws the per-call latency chart of docs/benchmarks.md: one bar group per
//! series (p50 and p95), from a JSON list of {"name", "p50_us", "p95_us"}.

use plotters::prelude::*;

use graph_bench::BenchError;

#[derive(serde::Deserialize)]
struct Series {
    name: String,
    p50_us: f64,
    p95_us: f64,
}

fn main() -> Result<(), BenchError> {
    let mut args = std::env::args().skip(1);
    let (input, output) = match (args.next(), args.next()) {
        (Some(i), Some(o)) => (i, o),
        _ => {
            return Err(BenchError::Usage(
                "usage: bench-chart <series.json> <chart.svg>".into(),
            ))
        }
    };
    let series: Vec<Series> = serde_json::from_str(&std::fs::read_to_string(input)?)?;
    let chart_error = |e: &dyn std::fmt::Display| BenchError::Chart(e.to_string());
    let root = SVGBackend::new(&output, (900, 120 + 60 * series.len() as u32)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| chart_error(&e))?;
    let top = series
        .iter()
        .map(|s| s.p95_us.max(s.p50_us))
        .fold(1.0, f64::max)
        / 1000.0
        * 1.15;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Per-call latency (ms): p50 (dark) and p95 (light)",
            ("sans-serif", 20),
        )
        .margin(15)
        .x_label_area_size(35)
        .y_label_area_size(260)
        .build_cartesian_2d(0.0..top, (0..series.len()).into_segmented())
        .map_err(|e| chart_error(&e))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => series.get(*i).map(|s| s.name.clone()).unwrap_or_default(),
            _ => String::new(),
        })
        .x_desc("milliseconds")
        .draw()
        .map_err(|e| chart_error(&e))?;
    // p95 first, p50 over it: each row reads as "typical" inside "slow".
    for (i, s) in series.iter().enumerate() {
        let bar = |value: f64, color: RGBColor| {
            Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (value / 1000.0, SegmentValue::Exact(i + 1)),
                ],
                color.filled(),
            )
        };
        chart
            .draw_series([
                bar(s.p95_us, RGBColor(158, 202, 225)),
                bar(s.p50_us, RGBColor(33, 113, 181)),
            ])
            .map_err(|e| chart_error(&e))?;
    }
    root.present().map_err(|e| chart_error(&e))?;
    Ok(())
}
