//! Steady-state cost of matching field texts (after every regex is built): the distinct
//! field values of a dump, matched `N` times. Usage: match_bench FILE N (FILE holds the
//! texts separated by "\n\0\n"). For profiling with perf; prints the time per round.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1]).expect("texts");
    let rounds: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(100);
    let fields: Vec<&str> = text.split("\n\0\n").collect();
    let mut n = 0;
    for f in &fields {
        n += crashscope::pii::match_rules(f).len();
    }
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for f in &fields {
            n += crashscope::pii::match_rules(f).len();
        }
    }
    let per = start.elapsed().as_secs_f64() / rounds as f64;
    println!(
        "{} fields, {:.1} us a round ({n} matches)",
        fields.len(),
        per * 1e6
    );
}
