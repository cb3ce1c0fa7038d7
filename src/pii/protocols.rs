//! Validators for secrets in the shapes protocols and tools write them, which no token
//! pattern catches: HTTP Basic credentials, cookies, connection strings, IMEIs.
//! Each takes `(text, start, end)` of a rule's value, as [`super::rules::Validator`].

/// Standard base64 (with or without padding), or `None` when `s` is not base64.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s.as_bytes() {
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// `Basic <base64>` is credentials when it decodes to printable `user:password` with a
/// password: what HTTP Basic authentication sends (RFC 7617).
pub fn basic_credentials(text: &str, start: usize, end: usize) -> bool {
    let Some(decoded) = base64_decode(&text[start..end]) else {
        return false;
    };
    let Ok(plain) = std::str::from_utf8(&decoded) else {
        return false;
    };
    match plain.split_once(':') {
        Some((user, password)) => {
            !password.is_empty()
                && !user.contains(char::is_control)
                && !password.contains(char::is_control)
                && !user.contains(' ')
        }
        None => false,
    }
}

/// A cookie header's value holds at least one `name=value` with a value of 8 characters
/// or more (session ids and tokens are long; `lang=en` alone is no secret).
pub fn cookie_values(text: &str, start: usize, end: usize) -> bool {
    text[start..end].split(';').any(|pair| {
        pair.split_once('=').is_some_and(|(name, value)| {
            let attribute = matches!(
                name.trim().to_ascii_lowercase().as_str(),
                "path" | "domain" | "expires" | "max-age" | "samesite"
            );
            !attribute && value.trim().trim_matches('"').len() >= 8
        })
    })
}

/// A password in a connection string: beside another connection-string key (server,
/// data source, account name, user id...) within the same string, and not a
/// placeholder.
pub fn connection_string(text: &str, start: usize, end: usize) -> bool {
    const KEYS: &[&str] = &[
        "server=",
        "data source=",
        "host=",
        "hostname=",
        "accountname=",
        "endpoint=",
        "database=",
        "initial catalog=",
        "uid=",
        "user id=",
        "userid=",
        "user=",
        "dsn=",
        "driver=",
        "sharedaccesskeyname=",
        "defaultendpointsprotocol=",
        "provider=",
    ];
    let from = text[..start]
        .char_indices()
        .rev()
        .nth(300)
        .map_or(0, |(i, _)| i);
    let to = text[end..]
        .char_indices()
        .nth(300)
        .map_or(text.len(), |(i, _)| end + i);
    let around = text[from..to].to_ascii_lowercase();
    let value = text[start..end].trim();
    let placeholder = value.starts_with('<')
        || value.starts_with("${")
        || value.starts_with('%')
        || value.starts_with('{')
        || value.chars().all(|c| c == '*' || c == 'x' || c == 'X');
    value.len() >= 3
        && !placeholder
        && KEYS.iter().any(|k| {
            around
                .match_indices(k)
                .any(|(i, _)| i == 0 || !around.as_bytes()[i - 1].is_ascii_alphanumeric())
        })
}

/// An IMEI: 15 digits whose Luhn check holds, not all the same digit.
pub fn imei(text: &str, start: usize, end: usize) -> bool {
    let digits = &text[start..end];
    super::rules::luhn(digits) && !digits.bytes().all(|b| b == digits.as_bytes()[0])
}

/// An Azure shared access signature's `sig`: the query it is in (the run of text around
/// it, to the nearest whitespace or quote) also names the signed version, permissions or
/// expiry (`sv=`, `sp=`, `se=`), as every SAS does; another site's `sig=` parameter is
/// not one.
pub fn sas_signature(text: &str, start: usize, end: usize) -> bool {
    let stop = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>');
    let from = text[..start].rfind(stop).map_or(0, |i| i + 1);
    let to = text[end..].find(stop).map_or(text.len(), |i| end + i);
    let query = text[from..to].to_ascii_lowercase();
    ["sv=", "sp=", "se="].iter().any(|k| {
        query
            .match_indices(k)
            .any(|(i, _)| i > 0 && matches!(query.as_bytes()[i - 1], b'?' | b'&' | b';'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_what_basic_auth_sends() {
        assert_eq!(
            base64_decode("YWxpY2U6aHVudGVyMg==").unwrap(),
            b"alice:hunter2"
        );
        assert_eq!(
            base64_decode("YWxpY2U6aHVudGVyMg").unwrap(),
            b"alice:hunter2"
        );
        assert!(base64_decode("not base64!").is_none());
    }

    #[test]
    fn basic_credentials_need_a_user_and_a_password() {
        let t = "Authorization: Basic YWxpY2U6aHVudGVyMg==";
        let start = t.find("YWx").unwrap();
        assert!(basic_credentials(t, start, t.len()));
        // "hello world, no colon" in base64
        let t = "basic aGVsbG8gd29ybGQsIG5vIGNvbG9u";
        assert!(!basic_credentials(t, 6, t.len()));
    }
}
