//! Tests of the upstream rule runtime.

use super::*;

#[test]
fn every_upstream_pattern_compiles_as_crashscope_runs_it() {
    let failed: Vec<String> = UPSTREAM
        .iter()
        .filter_map(|r| compiles(r.pattern).err().map(|e| format!("{}: {e}", r.id)))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(UPSTREAM.len() > 150, "{} rules", UPSTREAM.len());
}

#[test]
fn ids_are_unique_and_say_where_they_come_from() {
    let mut ids: Vec<&str> = UPSTREAM.iter().map(|r| r.id).collect();
    for r in UPSTREAM {
        let prefix = match r.origin {
            Origin::Gitleaks => "gitleaks.",
            Origin::NoseyParker => "np.",
        };
        assert!(r.id.starts_with(prefix), "{}", r.id);
    }
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[test]
fn a_keyword_hit_in_a_long_text_finds_the_token_in_its_window() {
    let token = "glpat-Xy7kQ2mN9pR4sT6vW8zA";
    let text = format!("{}{token}\0{}", "x".repeat(10_000), "y".repeat(10_000));
    let mut out = Vec::new();
    find(&text, &mut out);
    let ids: Vec<(&str, &str)> = out
        .iter()
        .map(|&(r, s, e)| (UPSTREAM[r].id, &text[s..e]))
        .collect();
    assert_eq!(ids, [("gitleaks.gitlab-pat", token)]);
}

#[test]
fn a_keyword_where_no_match_can_start_builds_no_regex() {
    let rule = |id: &str| UPSTREAM.iter().find(|r| r.id == id).unwrap();
    let twilio = rule("gitleaks.twilio-api-key");
    assert!(
        twilio.prefixes.contains(&&b"SK"[..]),
        "{:?}",
        twilio.prefixes
    );
    let text = b"/home/a/Desktop/disk";
    assert!(
        !starts_possible(twilio, text, 0),
        "`sk` in desktop is no SK"
    );
    assert!(starts_possible(twilio, b"x SK0123", 0));
    let jwt = rule("gitleaks.jwt");
    assert!(jwt.boundary);
    assert!(
        !starts_possible(jwt, b"monkey they obey", 0),
        "ey inside words"
    );
    assert!(starts_possible(jwt, b"token=eyJhbGci", 0));
    assert!(
        starts_possible(jwt, b"eyJhbGci", 0),
        "at the start of the text"
    );
}

#[test]
fn a_window_without_a_literal_the_pattern_needs_builds_no_regex() {
    let odbc = UPSTREAM.iter().find(|r| r.id == "np.odbc.1").unwrap();
    let sets: Vec<Vec<&str>> = odbc
        .required
        .iter()
        .map(|set| {
            set.iter()
                .map(|l| std::str::from_utf8(l).unwrap())
                .collect()
        })
        .collect();
    assert!(sets.contains(&vec!["password", "pwd"]), "{sets:?}");
    assert!(sets.contains(&vec![";"]), "{sets:?}");
    let mut scratch = Vec::new();
    // Every Linux environment holds the keyword `pwd`; the pattern needs much more.
    assert!(!holds_required(odbc, b"PWD=/home/alice/src", &mut scratch));
    let conn = b"Driver={SQL Server};Server=db;UID=app;PWD=hunter22;";
    assert!(holds_required(odbc, conn, &mut scratch));
    let mut found = Vec::new();
    find(std::str::from_utf8(conn).unwrap(), &mut found);
    assert!(
        found
            .iter()
            .any(|&(r, s, e)| UPSTREAM[r].id == odbc.id && &conn[s..e] == b"hunter22"),
        "{found:?}"
    );
    // Case does not matter, as in the pattern.
    assert!(holds_required(odbc, b"uid=app; pwd=x", &mut scratch));
}

#[test]
fn every_token_of_a_long_text_is_found_once() {
    // A megabyte of memory-like text: 1,000 tokens among keyword noise (`sk`, `ey`,
    // `s.` in words), windows far apart and close together.
    let mut text = String::new();
    let mut tokens = Vec::new();
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..1000 {
        let body: String = (0..20)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                ALNUM[(x % ALNUM.len() as u64) as usize] as char
            })
            .collect();
        let token = format!("glpat-{body}");
        text.push_str(&"desktop key libs.so ".repeat(if i % 3 == 0 { 60 } else { 1 }));
        text.push_str(&token);
        text.push('\0');
        tokens.push(token);
    }
    let mut out = Vec::new();
    find(&text, &mut out);
    let found: Vec<&str> = out
        .iter()
        .filter(|&&(r, ..)| UPSTREAM[r].id == "gitleaks.gitlab-pat")
        .map(|&(_, s, e)| &text[s..e])
        .collect();
    assert_eq!(found.len(), tokens.len());
    assert!(found.iter().zip(&tokens).all(|(f, t)| f == t));
}

#[test]
fn entropy_and_allowlists_apply_as_upstream_defines_them() {
    let mut out = Vec::new();
    // Too regular for the rule's entropy threshold.
    find("token glpat-aaaaaaaaaaaaaaaaaaaa end", &mut out);
    assert!(out.is_empty(), "{out:?}");
    // gitleaks' global stopword.
    find("key AIzaSyabcdefghijklmnopqrstuvwxyz1234567", &mut out);
    assert!(out
        .iter()
        .all(|&(r, ..)| UPSTREAM[r].id != "gitleaks.gcp-api-key"));
}

/// The keyword scan (pair bits, third-byte filter) finds exactly what comparing every
/// keyword at every place finds, on texts made of keywords' pieces in mixed case.
#[test]
fn the_keyword_scan_finds_every_keyword_everywhere() {
    let k = keywords();
    let mut next = crate::testutil::xorshift(0x6b65_7973);
    let mut found_any = 0;
    for _ in 0..3_000 {
        let mut hay = Vec::new();
        for _ in 0..next(6) {
            let word = k.words[next(k.words.len())];
            // A keyword, or a piece of one (its start: pair hits that are no keyword).
            let piece = &word[..1 + next(word.len())];
            hay.extend(piece.iter().map(|&b| {
                if next(2) == 0 {
                    b.to_ascii_uppercase()
                } else {
                    b
                }
            }));
            hay.extend_from_slice([&b""[..], b" ", b"_", b"=x"][next(4)]);
        }
        let mut got = Vec::new();
        k.each(&hay, |w, at| got.push((w, at)));
        let mut want = Vec::new();
        for (w, word) in k.words.iter().enumerate() {
            for at in 0..hay.len() {
                if hay
                    .get(at..at + word.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(word))
                {
                    want.push((w, at));
                }
            }
        }
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&hay));
        found_any += want.len();
    }
    assert!(found_any > 1_000, "{found_any} keywords in the texts");
}
