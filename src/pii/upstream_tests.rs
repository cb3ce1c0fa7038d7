//! Tests of the upstream rule runtime.

use super::*;

/// Every upstream match in `text`, its windows given by the keyword prefilter as a scan
/// gives them.
fn find(text: &str, out: &mut Vec<(usize, usize, usize)>) {
    let own = crate::pii::rules::RULES.len();
    let mut windows = Windows::default();
    crate::pii::keywords::keywords().each(text.as_bytes(), |served, at| {
        for &r in served {
            if let Some(u) = usize::from(r).checked_sub(own) {
                windows.hit(u, at, text.len());
            }
        }
    });
    super::find(text, windows, out);
}

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

/// An ODBC connection string's password is found; the keyword `pwd` alone, which every
/// Linux environment holds, finds nothing.
#[test]
fn a_connection_string_password_is_found_and_pwd_alone_is_not() {
    let conn = "Driver={SQL Server};Server=db;UID=app;PWD=hunter22;";
    let mut found = Vec::new();
    find(conn, &mut found);
    assert!(
        found
            .iter()
            .any(|&(r, s, e)| UPSTREAM[r].id == "np.odbc.1" && &conn[s..e] == "hunter22"),
        "{found:?}"
    );
    found.clear();
    find("PWD=/home/alice/src", &mut found);
    assert!(found.is_empty(), "{found:?}");
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
