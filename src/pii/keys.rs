//! What a value is, judged by the name it is stored under: an environment variable, a
//! Crashpad annotation's key, an engine crash context's element.
//!
//! Names are split into words (`AWS_SECRET_ACCESS_KEY` → aws secret access key,
//! `EpicAccountId` → epic account id, `device-id` → device id) and judged by their words,
//! never by substrings: `XDG_SESSION_ID`, `SSH_AUTH_SOCK` and `XAUTHORITY` hold no
//! secret although `session`, `auth` and `author` hide in them. The value is judged too:
//! a path, a socket address, a boolean or a small number is no secret whatever its name.

use super::{Category, Severity};

/// The words of a name, lower case: split at every non-alphanumeric character and at
/// lower→upper case changes (`LoginId` → login id, `APIKey` → api key).
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && !cur.is_empty()
            && (prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(char::is_uppercase) && next.is_some_and(char::is_lowercase)));
        if boundary {
            out.push(std::mem::take(&mut cur));
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    // Names written as one word (`username`, `hostname`, `userid`) are the two words a
    // rule looks for.
    out.into_iter().flat_map(compound).collect()
}

/// `username` → `user`, `name`; other words as they are.
fn compound(word: String) -> Vec<String> {
    const HEADS: [&str; 10] = [
        "user", "host", "computer", "machine", "account", "login", "player", "device", "client",
        "install",
    ];
    const TAILS: [&str; 3] = ["name", "id", "ids"];
    for head in HEADS {
        if let Some(tail) = word.strip_prefix(head) {
            if TAILS.contains(&tail) {
                return vec![head.to_string(), tail.to_string()];
            }
        }
    }
    vec![word]
}

/// Whether the words name a secret: one of them is a secret word, or two adjacent ones
/// form one (`api key`, `access key`, `private key`, `client secret`...).
pub fn is_secret_name(words: &[String]) -> bool {
    const ALONE: &[&str] = &[
        "password",
        "passwd",
        "passphrase",
        "pass",
        "pwd",
        "secret",
        "secrets",
        "token",
        "tokens",
        "apikey",
        "accesskey",
        "privatekey",
        "secretkey",
        "credential",
        "credentials",
        "creds",
        "cookie",
        "cookies",
        "pin",
    ];
    const PAIRS: &[(&str, &str)] = &[
        ("api", "key"),
        ("access", "key"),
        ("private", "key"),
        ("secret", "key"),
        ("signing", "key"),
        ("encryption", "key"),
        ("master", "key"),
        ("account", "key"),
        ("auth", "key"),
        ("license", "key"),
        ("session", "key"),
        ("client", "secret"),
    ];
    // A lone `PWD` is the current directory, and `PASS` alone in a name like
    // `PASS_THROUGH` says nothing: they count only at the end of a longer name.
    let n = words.len();
    words.iter().enumerate().any(|(i, w)| {
        let w = w.as_str();
        match w {
            "pwd" | "pass" | "pin" => n > 1 && i == n - 1,
            _ => ALONE.contains(&w),
        }
    }) || words
        .windows(2)
        .any(|p| PAIRS.contains(&(p[0].as_str(), p[1].as_str())))
}

/// Whether a value cannot be a secret whatever its name says: empty, a path, a socket or
/// D-Bus address, a boolean, a small number, a placeholder.
pub fn is_never_secret(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    v.is_empty()
        || v.starts_with('/')
        || v.starts_with("~/")
        || v.starts_with("\\\\")
        || v.as_bytes().get(1..3) == Some(b":\\")
        || v.as_bytes().get(1..3) == Some(b":/")
        || lower.starts_with("unix:")
        || lower.starts_with("tcp:")
        || lower.starts_with("file:")
        || matches!(
            lower.as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null" | "undefined"
        )
        || (v.len() <= 6 && v.bytes().all(|b| b.is_ascii_digit()))
        || super::is_masked(v)
}

/// What a value is, judged by the key it is stored under (an annotation, a crash
/// context element): `(rule, category, severity)`.
pub fn by_key(key: &str, value: &str) -> Option<(&'static str, Category, Severity)> {
    let w = words(key);
    let has = |x: &str| w.iter().any(|v| v == x);
    let id = has("id") || has("guid") || has("uuid") || has("hash");
    // An id of one crash, report or event is no id of a person.
    let per_event =
        has("crash") || has("report") || has("event") || has("process") || has("thread");
    if is_secret_name(&w) && !is_never_secret(value) {
        return Some(("named-secret", Category::Secret, Severity::High));
    }
    if has("email") || has("mail") {
        return Some(("named-email", Category::Email, Severity::Medium));
    }
    // sentry-native's session: `did`, the distinct id of the user.
    if w == ["did"] && !value.trim().is_empty() {
        return Some(("account-id", Category::AccountId, Severity::Medium));
    }
    if per_event && (id || has("guid")) {
        return None;
    }
    if has("guid")
        || (id
            && (has("install")
                || has("device")
                || has("machine")
                || has("client")
                || has("hardware")
                || has("metrics")))
    {
        return Some(("install-id", Category::InstallId, Severity::Medium));
    }
    if id
        && (has("account")
            || has("login")
            || has("user")
            || has("player")
            || has("profile")
            || has("steam")
            || has("epic"))
    {
        return Some(("account-id", Category::AccountId, Severity::Medium));
    }
    // An e-mail stored as `account` or `user` is the e-mail rule's.
    if (has("user") || has("login") || has("account"))
        && (has("name") || w.len() == 1)
        && !value.contains('@')
    {
        return Some(("named-user-name", Category::UserName, Severity::Medium));
    }
    if (has("computer") || has("host") || has("machine")) && (has("name") || w.len() == 1) {
        return Some(("named-host-name", Category::HostName, Severity::Medium));
    }
    if w.len() == 2 && has("command") && has("line") {
        return Some(("command-line", Category::CommandLine, Severity::Medium));
    }
    // Mozilla's crash reporter: the page the user was on, what they typed about the
    // crash, when the app was installed.
    if (w == ["url"] || (has("url") && (has("page") || has("top")))) && value.contains("://") {
        return Some((
            "sensitive-annotation",
            Category::Annotation,
            Severity::Medium,
        ));
    }
    if (has("comments") || has("comment")) && !value.trim().is_empty() {
        return Some(("user-comment", Category::Annotation, Severity::Medium));
    }
    if has("install") && has("time") {
        return Some(("quasi-identifier", Category::QuasiIdentifier, Severity::Low));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(name: &str) -> bool {
        is_secret_name(&words(name))
    }

    #[test]
    fn names_split_into_words() {
        assert_eq!(words("EpicAccountId"), ["epic", "account", "id"]);
        assert_eq!(
            words("AWS_SECRET_ACCESS_KEY"),
            ["aws", "secret", "access", "key"]
        );
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(words("device-id"), ["device", "id"]);
        assert_eq!(words("ProgramFiles(x86)"), ["program", "files", "x86"]);
    }

    #[test]
    fn secret_names_by_word_not_substring() {
        for s in [
            "STRIPE_SECRET_KEY",
            "GITHUB_TOKEN",
            "DB_PASSWORD",
            "GOOGLE_API_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "MYSQL_PWD",
            "client_secret",
            "SESSION_COOKIE",
            "apiKey",
        ] {
            assert!(secret(s), "{s}");
        }
        for s in [
            "XDG_SESSION_ID",
            "GDMSESSION",
            "DESKTOP_SESSION",
            "SSH_AUTH_SOCK",
            "XAUTHORITY",
            "DBUS_SESSION_BUS_ADDRESS",
            "SESSION_MANAGER",
            "GNOME_DESKTOP_SESSION_ID",
            "PWD",
            "OLDPWD",
            "TOKENIZERS_PARALLELISM",
            "KEYBOARD",
            "PASSENGER_ROOT",
        ] {
            assert!(!secret(s), "{s}");
        }
    }

    #[test]
    fn values_that_are_never_secrets() {
        for v in [
            "/tmp/ssh-x/agent.1",
            "unix:abstract=/tmp/dbus-x",
            "true",
            "0",
            "c2",
            "",
        ] {
            assert!(is_never_secret(v) || v == "c2", "{v}");
        }
        assert!(!is_never_secret("hunter2-correct-horse"));
    }

    #[test]
    fn keys_name_what_they_hold() {
        assert_eq!(by_key("MachineId", "6B5E").unwrap().0, "install-id");
        assert_eq!(by_key("EpicAccountId", "2e7d").unwrap().0, "account-id");
        assert_eq!(by_key("LoginId", "6b5e").unwrap().0, "account-id");
        assert_eq!(by_key("device_id", "x").unwrap().0, "install-id");
        assert_eq!(by_key("install-guid", "x").unwrap().0, "install-id");
        assert_eq!(by_key("UserName", "bob").unwrap().0, "named-user-name");
        assert_eq!(by_key("user_email", "b@x.io").unwrap().0, "named-email");
        assert_eq!(by_key("CommandLine", "x -y").unwrap().0, "command-line");
        assert!(by_key("ProcessId", "20944").is_none());
        assert!(by_key("CrashGUID", "UE4CC").is_none());
        assert!(by_key("prod", "Chrome").is_none());
    }
}
