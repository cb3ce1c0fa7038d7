//! Secrets and identifiers in the shapes protocols and tools write them, which no token
//! pattern catches: each is found as a field value and in memory, with the bytes a
//! scrub must mask (the whole value, spaces and punctuation included).

use crashscope::pii::{match_rules, rules};

use crate::upstream_rules::{memory_rules, BINARY};

/// `(rule, value)` of every match in a field's text.
fn field(text: &str) -> Vec<(&'static str, String)> {
    match_rules(text)
        .into_iter()
        .map(|(i, s, e)| (rules::id(i), text[s..e].to_string()))
        .collect()
}

/// `(rule, value)` of every finding for `text` NUL-terminated in binary memory.
fn memory(text: &str) -> Vec<(&'static str, String)> {
    let mut mem = BINARY.to_vec();
    mem.extend_from_slice(text.as_bytes());
    mem.push(0);
    mem.extend_from_slice(BINARY);
    memory_rules(&mem)
}

/// `text` yields `(rule, value)` in both shapes.
fn assert_found(text: &str, rule: &str, value: &str) {
    for (shape, found) in [("field", field(text)), ("memory", memory(text))] {
        assert!(
            found.iter().any(|(r, v)| *r == rule && v == value),
            "{shape}: {text:?} should give {rule} {value:?}, gave {found:?}"
        );
    }
}

fn assert_not_rule(text: &str, rule: &str) {
    for found in [field(text), memory(text)] {
        assert!(found.iter().all(|(r, _)| *r != rule), "{text:?}: {found:?}");
    }
}

#[test]
fn http_basic_credentials_are_decoded_to_tell_them_from_other_base64() {
    // alice:hunter2
    assert_found(
        "GET / HTTP/1.1\r\nAuthorization: Basic YWxpY2U6aHVudGVyMg==\r\n",
        "http-basic-auth",
        "YWxpY2U6aHVudGVyMg==",
    );
    // "just some base64 text" has no user:password inside.
    assert_not_rule(
        "Authorization: Basic anVzdCBzb21lIGJhc2U2NCB0ZXh0",
        "http-basic-auth",
    );
}

#[test]
fn cookie_headers_are_masked_whole() {
    assert_found(
        "Cookie: theme=dark; sessionid=9f2c1e7a44b0d3c8e1f6; csrftoken=Zx81kQ",
        "http-cookie",
        "theme=dark; sessionid=9f2c1e7a44b0d3c8e1f6; csrftoken=Zx81kQ",
    );
    assert_found(
        "Set-Cookie: SID=31d4d96e407aad42; Path=/; Secure; HttpOnly",
        "http-cookie",
        "SID=31d4d96e407aad42; Path=/; Secure; HttpOnly",
    );
    assert_not_rule("Cookie: lang=en", "http-cookie");
}

#[test]
fn connection_string_passwords_are_masked_whole_spaces_and_all() {
    assert_found(
        "Server=db.internal;Database=app;User Id=svc;Password=correct horse battery;",
        "connection-string-secret",
        "correct horse battery",
    );
    assert_found(
        "Driver={ODBC Driver 18};Server=tcp:10.0.0.5;Uid=sa;Pwd={p@ss;w0rd};",
        "connection-string-secret",
        "p@ss;w0rd",
    );
    assert_found(
        "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==;EndpointSuffix=core.windows.net",
        "connection-string-secret",
        "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==",
    );
    // The generic rule's first word is not reported beside the whole value.
    let found = field("Server=db;User Id=svc;Password=correct horse battery;");
    assert!(
        found.iter().all(|(r, _)| *r != "secret-assignment"),
        "{found:?}"
    );
    assert_not_rule(
        "Server=db;Password=<your password>;",
        "connection-string-secret",
    );
}

#[test]
fn quoted_secret_values_are_masked_whole() {
    assert_found(
        r#"{"password": "my secret; with spaces"}"#,
        "secret-assignment",
        "my secret; with spaces",
    );
}

#[test]
fn urls_with_an_empty_user_carry_a_password() {
    assert_found(
        "redis://:s3cretpw@cache.internal:6379/0",
        "url-credentials",
        ":s3cretpw",
    );
}

#[test]
fn netrc_entries_are_found() {
    assert_found(
        "machine api.example.com\n  login alice\n  password Tr0ub4dor3xyz\n",
        "np.netrc.1",
        "Tr0ub4dor3xyz",
    );
}

#[test]
fn ssh_public_key_comments_name_their_owner() {
    assert_found(
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx0Zm9vYmFyYmF6cXV4 alice@alice-laptop",
        "ssh-key-comment",
        "alice@alice-laptop",
    );
}

#[test]
fn imeis_are_luhn_checked_and_need_their_name() {
    assert_found("IMEI: 490154203237518", "imei", "490154203237518");
    assert_not_rule("IMEI: 490154203237519", "imei");
    assert_not_rule("id 490154203237518", "imei");
}

#[test]
fn ipv4_mapped_ipv6_addresses_are_addresses() {
    assert_found("peer ::ffff:203.0.113.45 port 443", "ipv4", "203.0.113.45");
}

#[test]
fn encoded_e_mail_addresses_are_found_on_their_encoded_bytes() {
    assert_found("to=alice%40example.com&x=1", "email", "alice%40example.com");
    assert_found(
        r#"{"to":"alice\u0040example.com"}"#,
        "email",
        r"alice\u0040example.com",
    );
}

#[test]
fn a_private_key_inside_json_is_masked_to_its_end_line() {
    let key = r"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nq2Zx0f3Yk8QmT1vN\n-----END PRIVATE KEY-----";
    let json =
        format!(r#"{{"type": "service_account", "private_key": "{key}\n", "client_email": "x"}}"#);
    assert_found(&json, "private-key", key);
}

#[test]
fn escaped_paths_still_name_their_user() {
    // JSON doubles backslashes; URLs encode slashes.
    assert_found(
        r#"{"dir":"C:\\Users\\alice\\AppData\\Local"}"#,
        "user-path",
        "alice",
    );
    assert_found("file=%2Fhome%2Falice%2Fnotes.txt", "user-path", "alice");
}
