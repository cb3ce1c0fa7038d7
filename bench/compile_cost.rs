//! How long each value rule's regex takes to build (microseconds, median of 20), as
//! `show` builds them: a fixed cost every run pays for each rule a dump's text calls for.
//! Usage: cargo run --release --example compile_cost
use crashscope::pii::rules::RULES;
use std::time::Instant;

fn main() {
    // The keyword automaton is built once per run, before any rule.
    let t = Instant::now();
    crashscope::pii::keywords::keywords();
    println!(
        "{:8.1} us  the keyword automaton (every rule's keywords)",
        t.elapsed().as_secs_f64() * 1e6
    );
    let mut rows = Vec::new();
    for r in RULES.iter().filter(|r| r.scanner.is_none()) {
        let mut times: Vec<f64> = (0..20)
            .map(|_| {
                let t = Instant::now();
                crashscope::pii::rules::build(r.pattern).unwrap();
                t.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        rows.push((times[10], r.id));
    }
    rows.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
    let total: f64 = rows.iter().map(|r| r.0).sum();
    for (t, id) in &rows {
        println!("{t:8.1} us  {id}");
    }
    println!("{total:8.1} us  all {} rules", rows.len());
    let mut up = Vec::new();
    for r in crashscope::pii::upstream::UPSTREAM {
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let t = Instant::now();
                crashscope::pii::upstream::compiles(r.pattern).unwrap();
                t.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        up.push((times[2], r.id));
    }
    up.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
    let total: f64 = up.iter().map(|r| r.0).sum();
    for (t, id) in up.iter().take(15) {
        println!("{t:8.1} us  {id}");
    }
    for id in [
        "gitleaks.vault-service-token",
        "gitleaks.jwt",
        "np.netrc.1",
        "gitleaks.twilio-api-key",
        "np.odbc.1",
        "gitleaks.authress-service-client-access-key",
        "gitleaks.huggingface-access-token",
    ] {
        let t = up.iter().find(|r| r.1 == id).unwrap().0;
        println!("{t:8.1} us  {id} (often called for)");
    }
    println!("{total:8.1} us  all {} upstream rules", up.len());
}
