use regex_automata::{dfa::dense, nfa::thompson, util::syntax};
use std::time::Instant;
fn main() {
    let mut rows = Vec::new();
    let own = crashscope::pii::rules::RULES
        .iter()
        .filter(|r| r.scanner.is_none())
        .map(|r| (r.id, r.pattern));
    let up = crashscope::pii::upstream::UPSTREAM
        .iter()
        .map(|r| (r.id, r.pattern));
    for (id, p) in own.chain(up) {
        let t = Instant::now();
        let b = dense::Builder::new()
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .thompson(thompson::Config::new().utf8(false))
            .configure(
                dense::Config::new()
                    .minimize(false)
                    .dfa_size_limit(Some(4 << 20))
                    .determinize_size_limit(Some(16 << 20))
                    .start_kind(regex_automata::dfa::StartKind::Unanchored),
            )
            .build(p);
        let us = t.elapsed().as_micros();
        match b {
            Ok(d) => {
                let (bytes, _) = d.to_bytes_little_endian();
                rows.push((bytes.len(), us, id.to_string()));
            }
            Err(e) => rows.push((usize::MAX, us, format!("{id} ERR {e}"))),
        }
    }
    rows.sort();
    let total: usize = rows.iter().filter(|r| r.0 != usize::MAX).map(|r| r.0).sum();
    let tt: u128 = rows.iter().map(|r| r.1).sum();
    for r in rows.iter() {
        if !r.2.starts_with("gitleaks.") && !r.2.starts_with("np.")
            || r.2.contains("odbc")
            || r.2.contains("twilio")
            || r.2.contains("lob-pub")
            || r.2.contains("harness")
        {
            println!("{:>10} {:>8}us {}", r.0, r.1, r.2);
        }
    }
    let under = |n: usize| rows.iter().filter(|r| r.0 <= n).count();
    println!(
        "total {} bytes, {} us, {} rules; <=16K {}, <=64K {}, <=256K {}",
        total,
        tt,
        rows.len(),
        under(16 << 10),
        under(64 << 10),
        under(256 << 10)
    );
    let sum_under = |n: usize| rows.iter().filter(|r| r.0 <= n).map(|r| r.0).sum::<usize>();
    println!(
        "bytes of <=64K: {}, <=256K: {}",
        sum_under(64 << 10),
        sum_under(256 << 10)
    );
}
