//! Rules that depend on where a value is, not what it looks like: an environment
//! variable's or an annotation's name.

use super::*;

/// A sub-range of a value, or all of it.
pub(super) type Span = (usize, usize);

/// Rules that depend on where a value is, not what it looks like: the rule, and the
/// part of the value it covers (a host inside `SESSION_MANAGER`, not the whole value).
pub(super) fn context_rule(
    kind: &FieldKind,
    value: &str,
) -> Option<(&'static str, Category, Severity, Span)> {
    use Category as C;
    use Severity::*;
    let all = (0, value.len());
    Some(match kind {
        FieldKind::EnvVar { name, .. } => return env_rule(name, value),
        FieldKind::CommandLine { index } if *index > 0 => {
            ("command-line", C::CommandLine, Medium, all)
        }
        FieldKind::CrashpadClientId => ("install-id", C::InstallId, Medium, all),
        FieldKind::Sid => ("windows-sid", C::AccountId, Medium, all),
        FieldKind::Annotation { key, .. } => {
            let k = key.to_ascii_lowercase();
            if k == "clientid" {
                ("install-id", C::InstallId, Medium, all)
            } else if k.starts_with("url-chunk") || k == "top-origin" || k.starts_with("switch-") {
                ("sensitive-annotation", C::Annotation, Medium, all)
            } else if k.starts_with("gpu") || k == "lsb-release" {
                ("quasi-identifier", C::QuasiIdentifier, Low, all)
            } else {
                let (rule, category, severity) = keys::by_key(key, value)?;
                (rule, category, severity, all)
            }
        }
        FieldKind::CrashContext { key } => {
            let (rule, category, severity) = keys::by_key(key, value)?;
            (rule, category, severity, all)
        }
        FieldKind::SystemInfo | FieldKind::MiscInfo | FieldKind::LsbRelease => {
            ("quasi-identifier", C::QuasiIdentifier, Low, all)
        }
        // The CPU brand string, once per core in /proc/cpuinfo.
        FieldKind::CpuInfo if value.starts_with("model name") => {
            ("quasi-identifier", C::QuasiIdentifier, Low, all)
        }
        _ => return None,
    })
}

/// An environment variable, judged by its name (and, for secrets, by its value).
pub(super) fn env_rule(
    name: &str,
    value: &str,
) -> Option<(&'static str, Category, Severity, Span)> {
    use Category as C;
    use Severity::*;
    let all = (0, value.len());
    let upper = name.to_ascii_uppercase();
    Some(match upper.as_str() {
        "USER" | "LOGNAME" | "USERNAME" => ("env-user-name", C::UserName, Medium, all),
        // The machine's name on every system; on Windows also the domain (a machine's
        // own name when it has none) and the remote-desktop client's name.
        "HOSTNAME"
        | "COMPUTERNAME"
        | "HOST"
        | "USERDOMAIN"
        | "USERDOMAIN_ROAMINGPROFILE"
        | "CLIENTNAME" => ("env-host-name", C::HostName, Medium, all),
        // `\\DC-NAME`: the domain controller that logged the user on.
        "LOGONSERVER" => {
            let start = value.len() - value.trim_start_matches('\\').len();
            ("env-host-name", C::HostName, Medium, (start, value.len()))
        }
        // `local/HOST:@/tmp/.ICE-unix/N,unix/HOST:/tmp/.ICE-unix/N`
        "SESSION_MANAGER" => match session_manager_host(value) {
            Some(span) => ("env-host-name", C::HostName, Medium, span),
            None => ("environment-variable", C::Environment, Low, all),
        },
        "PWD" | "OLDPWD" => ("current-directory", C::CurrentDirectory, Low, all),
        "LANG" | "LANGUAGE" | "TZ" => ("locale", C::QuasiIdentifier, Low, all),
        _ if upper.starts_with("LC_") => ("locale", C::QuasiIdentifier, Low, all),
        // `SUDO_USER`, `SSHPROXY_USER`, `DB_LOGIN`, `PROXY_USERNAME`: a user name.
        _ if named_user(name) && is_plain_user_name(value) => {
            ("env-user-name", C::UserName, Medium, all)
        }
        // Only a real variable name is judged by its words: an environ entry whose "name"
        // is a piece of a command line (`x --primordial-pipe-token`) names nothing.
        _ if crate::disclosure::environ::entry_name_len(&format!("{name}="))
            == Some(name.len())
            && keys::is_secret_name(&keys::words(name))
            && !keys::is_never_secret(value) =>
        {
            ("env-secret", C::Secret, High, all)
        }
        _ => ("environment-variable", C::Environment, Low, all),
    })
}

/// Whether a variable's name ends in a word for a user (`…_USER`, `…_LOGIN`,
/// `…_USERNAME`, `…_USER_NAME`).
fn named_user(name: &str) -> bool {
    let w = keys::words(name);
    let n = w.len();
    n >= 2
        && (matches!(w[n - 1].as_str(), "user" | "login")
            || (w[n - 1] == "name" && matches!(w[n - 2].as_str(), "user" | "login")))
}

/// A value that can be a user name: one word, no path, not an e-mail (its own rule),
/// not a generic account (`root`, `admin`).
fn is_plain_user_name(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty()
        && v.len() <= 64
        && !v.contains(['/', '\\', '@', ' ', ':', '='])
        && !crate::pii::rules::is_generic_user(v)
}

/// The host inside an X session manager address (`local/HOST:@/tmp/...`).
pub(super) fn session_manager_host(value: &str) -> Option<Span> {
    let start = value.find('/')? + 1;
    let len = value[start..].find(':')?;
    let host = &value[start..start + len];
    // `local/unix:@/tmp/.ICE-unix/N`: no host, the transport's name.
    (!host.is_empty()
        && !host.eq_ignore_ascii_case("unix")
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'))
    .then_some((start, start + len))
}

#[cfg(test)]
mod user_variable_tests {
    use super::*;

    #[test]
    fn variables_named_for_a_user_hold_a_user_name() {
        for (name, value) in [
            ("SUDO_USER", "kim"),
            ("SSHPROXY_USER", "kim.lee"),
            ("DB_LOGIN", "k1m"),
            ("PROXY_USERNAME", "kim"),
            ("GIT_USER_NAME", "kimlee"),
        ] {
            let rule = env_rule(name, value).map(|r| r.0);
            assert_eq!(rule, Some("env-user-name"), "{name}={value}");
        }
        for (name, value) in [
            ("MYSQL_USER", "root"),
            ("USER_AGENT", "Mozilla/5.0"),
            ("DEPLOY_USER", "/srv/deploy"),
            ("MAIL_USER", "kim@example.org"),
            ("USERPROFILE_X", "kim"),
        ] {
            let rule = env_rule(name, value).map(|r| r.0);
            assert_ne!(rule, Some("env-user-name"), "{name}={value}");
        }
    }

    #[test]
    fn a_session_manager_without_a_host_names_none() {
        assert_eq!(
            session_manager_host("local/unix:@/tmp/.ICE-unix/1234,unix/unix:/tmp/.ICE-unix/1234"),
            None
        );
        let v = "local/kim-laptop:@/tmp/.ICE-unix/1234";
        let (s, e) = session_manager_host(v).unwrap();
        assert_eq!(&v[s..e], "kim-laptop");
    }
}
