//! The rule table: what looks personal or secret in text, with validators where a checksum
//! or a structure tells a real value from a look-alike.
//!
//! Value rules run on every field and every text run found in memory. Context rules (an
//! environment variable's name, an annotation's key) live in `super::context`.

use regex_automata::{meta, util::syntax};
use std::sync::OnceLock;

use super::{Category, Severity};

/// Validates a match: `(text, start, end)` of the value (the rule's capture group) in its
/// text, so a validator can also look at the neighbours (a version string around an
/// IP-like number).
pub type Validator = fn(&str, usize, usize) -> bool;

/// Finds the `(start, end)` of every match of a rule's pattern, left to right.
pub type Scanner = fn(&[u8], &mut Vec<(usize, usize)>);

/// One value rule.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// What the rule finds, for help texts (SARIF, `--help`).
    pub description: &'static str,
    pub pattern: &'static str,
    /// The capture group that holds the value (0 = the whole match; [`ANY`] = the first
    /// group that took part, for patterns with alternatives).
    pub group: usize,
    /// Case-insensitive: `pattern` is written in lower case and runs on the text lowered
    /// to ASCII lower case (same byte offsets). Cheaper to build than `(?i)`.
    pub folded: bool,
    /// A hand-written matcher that implements `pattern` exactly (see `scanners`), used
    /// instead of compiling the regex.
    pub scanner: Option<Scanner>,
    /// A cheap test implied by `pattern` (and `validator`): `false` means the rule cannot
    /// report anything in the text, so its regex never runs (nor is built) there.
    pub may: fn(&Shape<'_>) -> bool,
    pub validator: Option<Validator>,
}

use Category as C;
use Severity::{High, Low, Medium};

/// [`Rule::group`]: the first capture group that took part in the match.
pub const ANY: usize = usize::MAX;

/// Every value rule, most specific first (an overlapping later match of the same bytes is
/// dropped, so a JWT in a `Bearer` header is reported once, as a JWT).
pub const RULES: &[Rule] = &[
    Rule {
        id: "private-key",
        category: C::Secret,
        severity: High,
        description: "A private key (PEM, OpenSSH, PGP): the whole block from its BEGIN line to its END line, or to where the key's text ends when END is missing",
        pattern: r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
        group: 0,
        folded: false,
        scanner: None,
        may: |s| s.len() >= 27 && s.has("PRIVATE KEY"),
        validator: None,
    },
    Rule {
        id: "aws-access-key-id",
        category: C::Secret,
        severity: High,
        description: "An AWS access key id (long-term AKIA, temporary ASIA, and the other prefixes AWS issues)",
        pattern: r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b",
        group: 0,
        folded: false,
        scanner: None,
        may: |s| {
            s.len() >= 20
                && ["AKIA", "ASIA", "AGPA", "AIDA", "AROA", "A3T", "ABIA", "ACCA"]
                    .iter()
                    .any(|p| s.has(p))
        },
        validator: None,
    },
    Rule {
        id: "aws-secret-access-key",
        category: C::Secret,
        severity: High,
        description: "An AWS secret access key next to its name",
        pattern: r#"aws_?secret_?access_?key["']?\s*[=:]\s*["']?([a-z0-9/+=]{40})"#,
        group: 1,
        folded: true,
        scanner: None,
        may: |s| s.len() >= 59 && (s.equals || s.colons > 0) && s.has_ci("access"),
        validator: None,
    },
    Rule {
        id: "github-token",
        category: C::Secret,
        severity: High,
        description: "A GitHub token (ghp_, gho_, ghs_, ghu_, ghr_, github_pat_)",
        pattern: r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b",
        group: 0,
        folded: false,
        scanner: None,
        may: |s| {
            s.len() >= 33
                && ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]
                    .iter()
                    .any(|p| s.has(p))
        },
        validator: None,
    },
    Rule {
        id: "slack-token",
        category: C::Secret,
        severity: High,
        description: "A Slack token (xoxb-, xoxp-, ...)",
        pattern: r"\bxox[abposre]-[A-Za-z0-9-]{10,}",
        group: 0,
        folded: false,
        scanner: None,
        may: |s| s.len() >= 15 && s.has("xox"),
        validator: None,
    },
    Rule {
        id: "slack-webhook",
        category: C::Secret,
        severity: High,
        description: "A Slack incoming-webhook URL (its path is the secret)",
        pattern: r"(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/+]{8,}",
        group: 0,
        folded: false,
        scanner: None,
        may: |s| s.len() >= 30 && s.slash && s.has("hooks.slack.com"),
        validator: None,
    },
    Rule {
        id: "npm-token",
        category: C::Secret,
        severity: High,
        description: "An npm access token",
        pattern: r"\bnpm_[A-Za-z0-9]{36}\b",
        group: 0,
        folded: false,
        scanner: None,
        may: |s| s.len() >= 40 && s.has("npm_"),
        validator: None,
    },
    Rule {
        id: "google-api-key",
        category: C::Secret,
        severity: High,
        description: "A Google API key",
        pattern: r"\bAIza[0-9A-Za-z_-]{35}\b",
        group: 0,
        folded: false,
        scanner: None,
        may: |s| s.len() >= 39 && s.has("AIza"),
        validator: None,
    },
    Rule {
        id: "stripe-live-key",
        category: C::Secret,
        severity: High,
        description: "A Stripe live secret or restricted key",
        pattern: r"\b(?:sk|rk)_live_[0-9a-zA-Z]{20,}\b",
        group: 0,
        folded: false,
        scanner: None,
        may: |s| s.len() >= 28 && s.has("_live_"),
        validator: None,
    },
    Rule {
        id: "jwt",
        category: C::Secret,
        severity: High,
        description: "A JSON Web Token",
        pattern: r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        group: 0,
        folded: false,
        scanner: None,
        may: |s| s.len() >= 32 && s.dots >= 2 && s.has("eyJ"),
        validator: None,
    },
    Rule {
        id: "bearer-token",
        category: C::Secret,
        severity: High,
        description: "A Bearer token in an Authorization header",
        pattern: r"\bbearer\s+([a-z0-9._~+/-]{16,}=*)",
        group: 1,
        folded: true,
        scanner: None,
        may: |s| s.len() >= 23 && s.has_ci("bearer"),
        validator: None,
    },
    Rule {
        id: "url-credentials",
        category: C::Secret,
        severity: High,
        description: "A user name and password in a URL (scheme://user:password@host)",
        pattern: r#"\b[a-zA-Z][a-zA-Z0-9+.-]+://([^/\s:@"'<>]*:[^/\s@"'<>]+)@"#,
        group: 1,
        folded: false,
        scanner: None,
        may: |s| s.at && s.colons > 0 && s.has("://"),
        validator: None,
    },
    Rule {
        id: "http-basic-auth",
        category: C::Secret,
        severity: High,
        description: "HTTP Basic credentials (`Authorization: Basic <base64>`, `curl -u` headers): base64 of user:password, decoded to check",
        pattern: r"\bbasic\s+([a-z0-9+/]{8,}={0,2})",
        group: 1,
        folded: true,
        scanner: None,
        may: |s| s.len() >= 14 && s.has_ci("basic"),
        validator: Some(super::protocols::basic_credentials),
    },
    Rule {
        id: "http-cookie",
        category: C::Secret,
        severity: High,
        description: "The cookies of an HTTP `Cookie:` or `Set-Cookie:` header: session ids and tokens, masked whole",
        pattern: r"\b(?:set-)?cookie:[ \t]*([^\r\n]*=[^\r\n]*)",
        group: 1,
        folded: true,
        scanner: None,
        may: |s| s.equals && s.colons > 0 && s.has_ci("cookie:"),
        validator: Some(super::protocols::cookie_values),
    },
    Rule {
        id: "connection-string-secret",
        category: C::Secret,
        severity: High,
        description: "A password or key in a connection string (ODBC, ADO.NET, Azure: `Pwd=`, `Password=`, `AccountKey=`, `SharedAccessKey=`), masked whole up to the next `;`, spaces included",
        pattern: r#"(?:^|[;"'\s])(?:password|pwd|accountkey|sharedaccesskey|sharedsecretvalue)[ \t]*=[ \t]*(?:"([^"\r\n]+)"|'([^'\r\n]+)'|\{([^}\r\n]+)\}|([^;"'\r\n]+))"#,
        group: ANY,
        folded: true,
        scanner: None,
        may: |s| {
            s.equals
                && s.has(";")
                && ["pwd", "password", "accountkey", "sharedaccesskey", "sharedsecretvalue"]
                    .iter()
                    .any(|k| s.has_ci(k))
        },
        validator: Some(super::protocols::connection_string),
    },
    Rule {
        id: "ssh-key-comment",
        category: C::UserName,
        severity: Medium,
        description: "The comment of an OpenSSH public key: `user@host` of whoever made the key",
        pattern: r"\b(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) AAAA[A-Za-z0-9+/]{12,}={0,3}[ \t]+([^\s@]+@[A-Za-z0-9._-]+)",
        group: 1,
        folded: false,
        scanner: None,
        may: |s| s.at && s.has("AAAA") && (s.has("ssh-") || s.has("ecdsa-")),
        validator: None,
    },
    Rule {
        id: "imei",
        category: C::InstallId,
        severity: Medium,
        description: "A phone's IMEI (15 digits, Luhn-checked) next to its name: a hardware id that outlives every install",
        pattern: r"\bimei(?:sv)?[ \t]*(?:number|no\.?|#)?[\x22']?[ \t]*[:=]?[ \t]*[\x22']?(\d{15})\b",
        group: 1,
        folded: true,
        scanner: None,
        may: |s| s.digits >= 15 && s.has_ci("imei"),
        validator: Some(super::protocols::imei),
    },
    Rule {
        id: "secret-assignment",
        category: C::Secret,
        severity: High,
        description: "A value assigned to a secret-named key (password=, NPM_TOKEN=, api_key: ...)",
        pattern: r#"\b(?:[a-z0-9]+[_-])*(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?token|credentials?|client[_-]?secret)["']?\s*[=:]\s*(?:"([^"\r\n]{4,})"|'([^'\r\n]{4,})'|([^\s&;,"'<>]{4,}))"#,
        group: ANY,
        folded: true,
        scanner: None,
        // Every name the pattern takes ends with one of these words, right before the
        // assignment (after an optional quote and spaces).
        may: |s| {
            s.len() >= 10
                && (s.equals || s.colons > 0)
                && [
                    "password",
                    "passwd",
                    "passphrase",
                    "secret",
                    "token",
                    "key",
                    "credential",
                    "credentials",
                ]
                .iter()
                .any(|k| s.assigned_ci(k))
        },
        validator: Some(not_placeholder),
    },
    Rule {
        id: "payment-card",
        category: C::Payment,
        severity: High,
        description: "A payment card number (Luhn-checked)",
        pattern: r"\b[3-6]\d{3}(?:[ -]?\d){9,15}\b",
        group: 0,
        folded: false,
        scanner: Some(super::scanners::payment_card),
        may: |s| s.digits >= 13,
        validator: Some(luhn_card),
    },
    Rule {
        id: "iban",
        category: C::Payment,
        severity: High,
        description: "An IBAN (mod-97-checked)",
        pattern: r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b",
        group: 0,
        folded: false,
        scanner: None,
        may: |s| s.digits >= 10 && s.patterns().iban_head,
        validator: Some(iban_mod97),
    },
    Rule {
        id: "us-ssn",
        category: C::GovernmentId,
        severity: High,
        description: "A US social security number",
        pattern: r"\b\d{3}-\d{2}-\d{4}\b",
        group: 0,
        folded: false,
        scanner: Some(super::scanners::us_ssn),
        may: |s| s.digits >= 9 && s.dashes >= 2,
        validator: Some(ssn),
    },
    Rule {
        id: "uk-nino",
        category: C::GovernmentId,
        severity: High,
        description: "A UK National Insurance number",
        pattern: r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b",
        group: 0,
        folded: false,
        scanner: None,
        may: |s| s.digits >= 6 && s.patterns().nino_head,
        validator: Some(nino),
    },
    Rule {
        id: "phone-number",
        category: C::Phone,
        severity: Medium,
        description: "A phone number in international form (+CC ...)",
        pattern: r"\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,6}",
        group: 0,
        folded: false,
        scanner: None,
        may: |s| s.plus && s.digits >= 8 && s.followed("+", |b| (b'1'..=b'9').contains(&b)),
        validator: Some(phone),
    },
    Rule {
        id: "email",
        category: C::Email,
        severity: Medium,
        description: "An e-mail address",
        pattern: r"\b[A-Za-z0-9._%+-]+(?:@|%40|\\u0040)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b",
        group: 0,
        folded: false,
        scanner: None,
        may: |s| {
            (s.dot_after_at && s.followed("@", |b| b.is_ascii_alphanumeric() || b == b'-'))
                || (s.dots > 0 && (s.has("%40") || s.has("\\u0040")))
        },
        validator: Some(email),
    },
    Rule {
        id: "user-path",
        category: C::UserName,
        severity: Medium,
        description: "A user name inside a home-directory path (/home/X, /Users/X, C:\\Users\\X, \\Device\\HarddiskVolumeN\\Users\\X), spaces and all (C:\\Users\\Jane Doe\\), also written escaped (C:\\\\Users\\\\X in JSON, %2Fhome%2FX in a URL)",
        // A name with spaces counts only up to a path separator (or, after `\Users\`, the
        // end of the text): `/home/alice is here` names `alice`.
        // Separators may be written escaped: doubled backslashes (JSON, C strings) and
        // `%2F`/`%5C` (URLs); a name stops at `%`.
        pattern: r#"(?:(?:/|%2f)(?:home|users)(?:/|%2f)|documents and settings(?:[\\/]|%2f|%5c)|\bdocume~1[\\/])(?:((?:[^/\\\s:*?"<>|%]+ )+[^/\\\s:*?"<>|%]+)(?:[\\/]|%2f|%5c)|([^/\\\s:*?"<>|%]+))|(?:\\\\?|%5c)users(?:\\\\?|%5c)(?:((?:[^/\\\s:*?"<>|%]+ )+[^/\\\s:*?"<>|%]+)(?:\\|%5c|$)|([^/\\\s:*?"<>|%]+))"#,
        group: ANY,
        folded: true,
        scanner: None,
        may: |s| {
            (s.slash || s.backslash || s.has_ci("%2f") || s.has_ci("%5c"))
                && (s.has("/home/")
                    || s.has_ci("%2fhome%2f")
                    || s.has_ci("users")
                    || s.has_ci("settings")
                    || s.has_ci("docume~1"))
        },
        validator: Some(real_user),
    },
    Rule {
        id: "chromeos-user-hash",
        category: C::AccountId,
        severity: Medium,
        description: "A ChromeOS user hash (/home/chronos/u-<40 hex>): stands for the signed-in account",
        pattern: r"(?:/home/chronos/u-|/home/(?:user|root)/|/daemon-store/[a-z0-9_-]+/)([0-9a-f]{40})\b",
        group: 1,
        folded: true,
        scanner: None,
        may: |s| {
            s.len() >= 46
                && s.slash
                && (s.has_ci("/home/chronos/u-")
                    || s.has_ci("/home/user/")
                    || s.has_ci("/home/root/")
                    || s.has_ci("daemon-store"))
        },
        validator: None,
    },
    Rule {
        id: "windows-sid",
        category: C::AccountId,
        severity: Medium,
        description: "A Windows account SID (S-1-5-21-...): names one account of one machine or domain",
        pattern: r"\bS-1-5-21-\d{1,10}-\d{1,10}-\d{1,10}(?:-\d{1,10})?\b",
        group: 0,
        folded: false,
        scanner: None,
        may: |s| s.dashes >= 5 && s.has("S-1-5-21-"),
        validator: None,
    },
    Rule {
        id: "unc-host",
        category: C::HostName,
        severity: Medium,
        description: "The server of a Windows network path (\\\\HOST\\share)",
        pattern: r#"(?:^|[\s"'=;,(])\\\\([a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]+)*)\\[^\\\s]"#,
        group: 1,
        folded: true,
        scanner: None,
        may: |s| s.backslash && s.has("\\\\"),
        validator: Some(unc_host),
    },
    Rule {
        id: "id-assignment",
        category: C::InstallId,
        severity: Medium,
        description: "A device, install or machine id written as key=value (device_id=<uuid>)",
        pattern: r#"\b(?:[a-z0-9]+[_-])*(?:device|install|installation|machine|hardware|tracking|advertising)[_-]?(?:id|guid|uuid)["']?\s*[=:]\s*["']?([0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[0-9a-f]{16,64})\b"#,
        group: 1,
        folded: true,
        scanner: None,
        may: |s| {
            s.len() >= 24
                && (s.equals || s.colons > 0)
                && s.has_ci("id")
                && ["device", "install", "machine", "hardware", "tracking", "advertising"]
                    .iter()
                    .any(|k| s.has_ci(k))
        },
        validator: None,
    },
    Rule {
        id: "account-id-assignment",
        category: C::AccountId,
        severity: Medium,
        description: "An account or user id written as key=value or a launch argument (user_id=..., -epicuserid=...)",
        pattern: r#"(?:\b(?:[a-z0-9]+[_-])*(?:user|account|login|player|customer|member)[_-]?(?:id|guid|uuid)["']?\s*[=:]\s*["']?|-(?:epicuserid|epicaccountid)=)([0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[0-9a-f]{16,64}|\d{5,20})\b"#,
        group: 1,
        folded: true,
        scanner: None,
        may: |s| {
            s.len() >= 10
                && (s.equals || s.colons > 0)
                && s.has_ci("id")
                && ["user", "account", "login", "player", "customer", "member", "epic"]
                    .iter()
                    .any(|k| s.has_ci(k))
        },
        validator: None,
    },
    Rule {
        id: "launch-user-name",
        category: C::UserName,
        severity: Medium,
        description: "A user name passed to a game at launch (-epicusername=...)",
        pattern: r#"-(?:epicusername|epicdisplayname)=(?:"([^"]+)"|([^\s"]+))"#,
        group: ANY,
        folded: true,
        scanner: None,
        may: |s| s.equals && s.has_ci("-epic"),
        validator: None,
    },
    Rule {
        id: "launch-secret",
        category: C::Secret,
        severity: High,
        description: "A login token passed at launch: Epic (-AUTH_PASSWORD=, -epicusertoken=), -fltoken=, Steam game server login tokens (+sv_setsteamaccount, STEAM_ACC=)",
        pattern: r#"(?:-(?:auth_password|epicusertoken|fltoken|epicovt)=|\+sv_setsteamaccount\s+|\bsteam_acc\s*=\s*)["']?([^\s"'&;,]{8,})"#,
        group: 1,
        folded: true,
        scanner: None,
        may: |s| s.len() >= 14 && (s.equals || s.plus) && (s.has_ci("token") || s.has_ci("auth_password") || s.has_ci("epicovt") || s.has_ci("steam")),
        validator: None,
    },
    Rule {
        id: "card-security-code",
        category: C::Payment,
        severity: High,
        description: "A card security code written as key=value (cvv=, cvc=, csc=)",
        pattern: r#"\b(?:cvv2?|cvc2?|csc|card[_ -]?security[_ -]?code)["']?\s*[=:]\s*["']?(\d{3,4})\b"#,
        group: 1,
        folded: true,
        scanner: None,
        may: |s| s.digits >= 3 && (s.equals || s.colons > 0) && (s.has_ci("cv") || s.has_ci("csc") || s.has_ci("security")),
        validator: None,
    },
    Rule {
        id: "numeric-uid",
        category: C::UserName,
        severity: Low,
        description: "A numeric user id (Uid: in /proc/self/status, /run/user/N): the account on that machine",
        pattern: r"(?:^uid:\s+|/run/user/)(\d{3,10})\b",
        group: 1,
        folded: true,
        scanner: None,
        may: |s| s.digits >= 3 && (s.colons > 0 || s.slash) && (s.has_ci("uid:") || s.has("/run/user/")),
        validator: None,
    },
    Rule {
        id: "ipc-token",
        category: C::CommandLine,
        severity: Low,
        description: "A per-launch IPC token on a Chromium command line (--mojo-channel-token=, --primordial-pipe-token=): random for each launch, identifies nobody",
        pattern: r"--(?:[a-z0-9]+-)*token=([0-9a-f]{32})\b",
        group: 1,
        folded: true,
        scanner: None,
        may: |s| s.len() >= 40 && s.equals && s.has("-token="),
        validator: None,
    },
    Rule {
        id: "ipv4",
        category: C::IpAddress,
        severity: Medium,
        description: "An IPv4 address (not loopback, not inside a version string)",
        pattern: r"\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b",
        group: 0,
        folded: false,
        scanner: Some(super::scanners::ipv4),
        may: |s| s.dots >= 3 && s.digits >= 4,
        validator: Some(ipv4),
    },
    Rule {
        id: "ipv6",
        category: C::IpAddress,
        severity: Medium,
        description: "An IPv6 address (not loopback)",
        pattern: r"(?:\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4}\b)",
        group: 0,
        folded: true,
        scanner: None,
        may: |s| {
            s.colons >= 2 && {
                let p = s.patterns();
                p.hex_colon_run >= 7 || (p.hex_double_colon && p.hex_colon_run >= 2)
            }
        },
        validator: Some(ipv6),
    },
    Rule {
        id: "mac-address",
        category: C::MacAddress,
        severity: Medium,
        description: "A network card's MAC address",
        pattern: r"\b[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){4}\b",
        group: 0,
        folded: false,
        scanner: None,
        may: |s| {
            (s.colons >= 5 || s.dashes >= 5) && {
                let p = s.patterns();
                p.hex_sep_run >= 5 && p.hex_pair_sep
            }
        },
        validator: Some(mac),
    },
    Rule {
        id: "url-query",
        category: C::Url,
        severity: Medium,
        description: "A URL with a query string (sessions, user ids, tokens travel there)",
        pattern: r#"\bhttps?://[^\s?#"'<>]+\?[^\s#"'<>]+"#,
        group: 0,
        folded: false,
        scanner: None,
        may: |s| s.question && s.has("://"),
        validator: None,
    },
    Rule {
        id: "internal-host",
        category: C::HostName,
        severity: Medium,
        description:
            "A fully qualified host name in a private domain (.local, .lan, .corp, .internal, ...)",
        pattern: r"\b(?:[a-z0-9][a-z0-9-]*\.)+(?:local|lan|internal|corp|home|intranet|localdomain)(?:\.[a-z0-9-]+)*\b",
        group: 0,
        folded: true,
        scanner: None,
        may: |s| {
            s.dots >= 2
                && [".local", ".lan", ".internal", ".corp", ".home", ".intranet"]
                    .iter()
                    .any(|t| s.has_ci(t))
        },
        validator: Some(host_not_file),
    },
];

/// A value rule by its index in one numbering: crashscope's own rules ([`RULES`]) first,
/// then the upstream ones ([`super::upstream::UPSTREAM`]).
#[derive(Debug, Clone, Copy)]
pub enum Any {
    Own(&'static Rule),
    Upstream(usize),
}

pub fn any(i: usize) -> Any {
    match RULES.get(i) {
        Some(r) => Any::Own(r),
        None => Any::Upstream(i - RULES.len()),
    }
}

/// How many value rules there are, both kinds.
pub fn count() -> usize {
    RULES.len() + super::upstream::UPSTREAM.len()
}

pub fn id(i: usize) -> &'static str {
    match any(i) {
        Any::Own(r) => r.id,
        Any::Upstream(u) => super::upstream::UPSTREAM[u].id,
    }
}

pub fn category(i: usize) -> Category {
    match any(i) {
        Any::Own(r) => r.category,
        Any::Upstream(_) => Category::Secret,
    }
}

/// The severity of `value` found by rule `i` (an upstream test-mode key is low).
pub fn severity(i: usize, value: &str) -> Severity {
    match any(i) {
        Any::Own(r) => r.severity,
        Any::Upstream(u) => super::upstream::severity(u, value),
    }
}

/// Which of two overlapping secret matches is kept: crashscope's specific token rules
/// first (better validated, or the whole value), then upstream rules, then crashscope's
/// generic ones (a value after a secret-sounding name).
pub fn rank(i: usize) -> u8 {
    match any(i) {
        Any::Own(r) if GENERIC.contains(&r.id) => 2,
        Any::Own(_) => 0,
        Any::Upstream(_) => 1,
    }
}

/// crashscope's rules that judge a value by the word before it, not by its shape.
const GENERIC: &[&str] = &["secret-assignment", "bearer-token", "launch-secret"];

/// The index of the private-key rule, whose matches grow into whole key blocks.
pub const PRIVATE_KEY: usize = 0;

/// Where a private key block that continues at `from` ends: after its `-----END …-----`
/// line, or, when there is none, where the key's characters (base64, line breaks, also
/// JSON-escaped ones, PEM headers such as `Proc-Type: 4,ENCRYPTED`) stop. `bytes` holds text in `unit`-byte
/// units (1: ASCII/UTF-8, 2: UTF-16LE). At most 64 KiB of key is taken.
pub fn key_block_end(bytes: &[u8], from: usize, unit: usize) -> usize {
    let limit = from.saturating_add(64 * 1024 * unit).min(bytes.len());
    let at = |i: usize| -> Option<u8> {
        let c = *bytes.get(i)?;
        (i + unit <= limit && (unit == 1 || bytes.get(i + 1) == Some(&0))).then_some(c)
    };
    let word = |i: usize, w: &[u8]| {
        w.iter()
            .enumerate()
            .all(|(k, &b)| at(i + k * unit) == Some(b))
    };
    let mut i = from;
    let mut last_key_char = from;
    while let Some(c) = at(i) {
        if c == b'-' && word(i, b"-----END ") {
            let mut j = i + 9 * unit;
            while at(j).is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b' ') {
                j += unit;
            }
            while at(j) == Some(b'-') {
                j += unit;
            }
            return j;
        }
        // A key inside JSON (a GCP service-account file) has its line breaks escaped.
        if c == b'\\' && matches!(at(i + unit), Some(b'n' | b'r')) {
            i += 2 * unit;
            continue;
        }
        let key_char = c.is_ascii_alphanumeric() || b"+/=:,-._".contains(&c);
        if !(key_char || b" \t\r\n".contains(&c)) {
            break;
        }
        i += unit;
        if key_char {
            last_key_char = i;
        }
    }
    last_key_char
}

/// The compiled pattern of rule `i`, built on first use.
///
/// ASCII classes (`\d`, `\s`, `\b` in their ASCII forms, which is what these formats
/// use) over bytes, with only the engines a scan of short texts needs (a lazy DFA and the
/// PikeVM for capture groups): building a regex is paid on every run of `show`, and this
/// halves it. Callers keep only matches on UTF-8 character boundaries. Patterns avoid
/// large bounded repetitions (`{1,1024}`), which multiply the compiled program.
pub fn regex(i: usize) -> &'static meta::Regex {
    static COMPILED: [OnceLock<meta::Regex>; RULES.len()] =
        [const { OnceLock::new() }; RULES.len()];
    COMPILED[i].get_or_init(|| build(RULES[i].pattern).expect("rule patterns are valid"))
}

/// Build `pattern` as [`regex`] does (public for `examples/compile_cost.rs`).
pub fn build(pattern: &str) -> Result<meta::Regex, Box<meta::BuildError>> {
    build_with(pattern, true, false)
}

/// Build `pattern` over bytes with ASCII classes and only the engines asked for: the
/// lazy DFA (`hybrid`), the bounded backtracker (`backtrack`), and always the PikeVM.
/// No full DFA, no one-pass DFA, no automatic prefilter: the rules' own prefilters run
/// first, and a build is paid on every run.
pub fn build_with(
    pattern: &str,
    hybrid: bool,
    backtrack: bool,
) -> Result<meta::Regex, Box<meta::BuildError>> {
    meta::Builder::new()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .configure(
            meta::Config::new()
                .dfa(false)
                .hybrid(hybrid)
                .onepass(false)
                .backtrack(backtrack)
                .auto_prefilter(false)
                .utf8_empty(false),
        )
        .build(pattern)
        .map_err(Box::new)
}

/// The `(start, end)` of rule `i`'s value (its capture group) for every match in `text`,
/// before validation.
pub fn find(i: usize, text: &Text<'_>, out: &mut Vec<(usize, usize)>) {
    let rule = &RULES[i];
    let hay = if rule.folded {
        text.lowered()
    } else {
        text.raw.as_bytes()
    };
    match rule.scanner {
        Some(scan) => scan(hay, out),
        None if rule.group == 0 => {
            out.extend(regex(i).find_iter(hay).map(|m| (m.start(), m.end())))
        }
        None if rule.group == ANY => out.extend(
            regex(i)
                .captures_iter(hay)
                .filter_map(|c| (1..c.group_len()).find_map(|g| c.get_group(g)))
                .map(|g| (g.start, g.end)),
        ),
        None => out.extend(
            regex(i)
                .captures_iter(hay)
                .filter_map(|c| c.get_group(rule.group))
                .map(|g| (g.start, g.end)),
        ),
    }
}

/// A text being scanned, with its ASCII-lowered copy made on first need.
#[derive(Debug)]
pub struct Text<'a> {
    pub raw: &'a str,
    lower: std::cell::OnceCell<Vec<u8>>,
}

impl<'a> Text<'a> {
    pub fn new(raw: &'a str) -> Text<'a> {
        Text {
            raw,
            lower: std::cell::OnceCell::new(),
        }
    }

    fn lowered(&self) -> &[u8] {
        self.lower
            .get_or_init(|| self.raw.as_bytes().to_ascii_lowercase())
    }
}

/// What a text holds, counted in one pass: enough to rule most rules out before any
/// regex runs (or is even compiled).
pub struct Shape<'a> {
    text: &'a [u8],
    digits: usize,
    dots: usize,
    colons: usize,
    dashes: usize,
    at: bool,
    question: bool,
    equals: bool,
    slash: bool,
    backslash: bool,
    plus: bool,
    /// A `.` somewhere after an `@` (every e-mail's domain has one).
    dot_after_at: bool,
    /// Byte patterns that need neighbours, counted in a second pass only when a rule
    /// that needs them got past the counts above.
    patterns: std::cell::OnceCell<Patterns>,
}

/// Shapes a few rules need, found by looking at neighbouring bytes.
#[derive(Debug, Default)]
struct Patterns {
    /// Two upper-case letters then two digits (`DE89`: how every IBAN starts).
    iban_head: bool,
    /// Two upper-case letters then a digit, maybe after a space (`QQ1`, `QQ 1`: a NINO).
    nino_head: bool,
    /// Two hex digits then `:` or `-` then a hex digit (`1a:2b`: inside every MAC).
    hex_pair_sep: bool,
    /// The most `:` in one run of hex digits and colons, and whether such a run holds
    /// `::` (an IPv6 address is one such run).
    hex_colon_run: usize,
    hex_double_colon: bool,
    /// The most `:` or `-` in one run of hex digits and that separator (a MAC is one).
    hex_sep_run: usize,
}

impl Patterns {
    fn of(text: &[u8]) -> Patterns {
        let mut s = Patterns::default();
        // Separators in the current run of hex digits and `:` (and of hex digits and `-`).
        let (mut colons, mut dashes) = (0usize, 0usize);
        // The last four bytes seen, newest in the low byte.
        let mut last = 0u32;
        for &b in text {
            let [_, p2, p1, p0] = last.to_be_bytes();
            s.iban_head |= b.is_ascii_digit()
                && p0.is_ascii_digit()
                && p1.is_ascii_uppercase()
                && p2.is_ascii_uppercase();
            s.nino_head |= b.is_ascii_digit()
                && ((p0.is_ascii_uppercase() && p1.is_ascii_uppercase())
                    || (p0 == b' ' && p1.is_ascii_uppercase() && p2.is_ascii_uppercase()));
            s.hex_pair_sep |= b.is_ascii_hexdigit()
                && matches!(p0, b':' | b'-')
                && p1.is_ascii_hexdigit()
                && p2.is_ascii_hexdigit();
            if b == b':' {
                colons += 1;
                s.hex_double_colon |= p0 == b':';
            } else if !b.is_ascii_hexdigit() {
                colons = 0;
            }
            if b == b'-' {
                dashes += 1;
            } else if !b.is_ascii_hexdigit() {
                dashes = 0;
            }
            s.hex_colon_run = s.hex_colon_run.max(colons);
            s.hex_sep_run = s.hex_sep_run.max(colons).max(dashes);
            last = (last << 8) | u32::from(b);
        }
        s
    }
}

impl<'a> Shape<'a> {
    fn of(text: &'a str) -> Shape<'a> {
        let mut s = Shape {
            text: text.as_bytes(),
            digits: 0,
            dots: 0,
            colons: 0,
            dashes: 0,
            at: false,
            question: false,
            equals: false,
            slash: false,
            backslash: false,
            plus: false,
            dot_after_at: false,
            patterns: std::cell::OnceCell::new(),
        };
        for &b in s.text {
            match b {
                b'0'..=b'9' => s.digits += 1,
                b'.' => {
                    s.dots += 1;
                    s.dot_after_at |= s.at;
                }
                b':' => s.colons += 1,
                b'-' => s.dashes += 1,
                b'+' => s.plus = true,
                b'@' => s.at = true,
                b'?' => s.question = true,
                b'=' => s.equals = true,
                b'/' => s.slash = true,
                b'\\' => s.backslash = true,
                _ => {}
            }
        }
        s
    }

    fn len(&self) -> usize {
        self.text.len()
    }

    fn patterns(&self) -> &Patterns {
        self.patterns.get_or_init(|| Patterns::of(self.text))
    }

    /// Whether `needle` occurs. Texts are short runs: a first-byte `memchr` and a compare
    /// beat building a substring searcher for every text.
    fn has(&self, needle: &str) -> bool {
        let n = needle.as_bytes();
        memchr::memchr_iter(n[0], self.text).any(|at| self.text.get(at..at + n.len()) == Some(n))
    }

    /// Whether `needle` occurs followed by a byte that `next` accepts.
    fn followed(&self, needle: &str, next: impl Fn(u8) -> bool) -> bool {
        let n = needle.as_bytes();
        memchr::memmem::find_iter(self.text, n)
            .any(|at| self.text.get(at + n.len()).is_some_and(|&b| next(b)))
    }

    /// Whether `word` (lower case ASCII) occurs, in any case, right before an assignment:
    /// an optional quote, spaces, then `=` or `:`.
    fn assigned_ci(&self, word: &str) -> bool {
        let w = word.as_bytes();
        let (lo, up) = (w[0], w[0].to_ascii_uppercase());
        memchr::memchr2_iter(lo, up, self.text).any(|at| {
            let Some(found) = self.text.get(at..at + w.len()) else {
                return false;
            };
            if !found.eq_ignore_ascii_case(w) {
                return false;
            }
            let mut i = at + w.len();
            if matches!(self.text.get(i), Some(b'"' | b'\'')) {
                i += 1;
            }
            // `\s` in ASCII mode: space, \t, \n, \v, \f, \r.
            while self
                .text
                .get(i)
                .is_some_and(|b| matches!(b, b' ' | b'\t'..=b'\r'))
            {
                i += 1;
            }
            matches!(self.text.get(i), Some(b'=' | b':'))
        })
    }

    /// Case-insensitive `has`; `needle` is lower case ASCII.
    fn has_ci(&self, needle: &str) -> bool {
        let n = needle.as_bytes();
        let (lo, up) = (n[0], n[0].to_ascii_uppercase());
        memchr::memchr2_iter(lo, up, self.text).any(|at| {
            self.text
                .get(at..at + n.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(n))
        })
    }
}

/// The indexes of the rules that may match in `text`, in table order: a one-pass count
/// of its characters and a few literal searches rule most of them out, so most texts
/// run no regex and most rules are never compiled.
pub fn candidates(text: &str) -> impl Iterator<Item = usize> + '_ {
    let shape = Shape::of(text);
    (0..RULES.len()).filter(move |&i| (RULES[i].may)(&shape))
}

fn digits(s: &str) -> Vec<u32> {
    s.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// Luhn checksum over the digits of `s`.
pub fn luhn(s: &str) -> bool {
    let d = digits(s);
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    !d.is_empty() && sum % 10 == 0
}

fn luhn_card(text: &str, start: usize, end: usize) -> bool {
    let m = &text[start..end];
    let d: String = m.chars().filter(char::is_ascii_digit).collect();
    // One separator style only, in the groupings cards are printed in:
    // "4111 1111 1111 1111", "3782 822463 10005" or none at all.
    let seps: std::collections::BTreeSet<char> =
        m.chars().filter(|c| !c.is_ascii_digit()).collect();
    let groups: Vec<usize> = m
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .collect();
    let grouped = groups.len() == 1
        || matches!(
            groups.as_slice(),
            [4, 4, 4, 4] | [4, 4, 4, 4, 3] | [4, 6, 5] | [4, 6, 4] | [4, 4, 4, 2] | [4, 4, 4, 1]
        );
    seps.len() <= 1
        && grouped
        && issuer_length(&d)
        && luhn(m)
        && !all_same(m)
        && !inside_numbers(text, start, end)
}

/// Whether `digits` starts with a card issuer's range (IIN) and has a length that issuer
/// uses: Visa, Mastercard, American Express, Discover, JCB, Diners Club, UnionPay,
/// Maestro. Digit runs that look like nothing any issuer sells are not cards.
fn issuer_length(digits: &str) -> bool {
    let n = digits.len();
    let p = |k: usize| {
        digits
            .get(..k)
            .and_then(|s| s.parse::<u32>().ok())
            .unwrap_or(0)
    };
    match () {
        _ if digits.starts_with('4') => matches!(n, 13 | 16 | 19),
        _ if (51..=55).contains(&p(2)) || (2221..=2720).contains(&p(4)) => n == 16,
        _ if matches!(p(2), 34 | 37) => n == 15,
        _ if p(4) == 6011 || (644..=649).contains(&p(3)) || p(2) == 65 => (16..=19).contains(&n),
        _ if (3528..=3589).contains(&p(4)) => (16..=19).contains(&n),
        _ if (300..=305).contains(&p(3)) || matches!(p(2), 36 | 38 | 39) => (14..=19).contains(&n),
        _ if p(2) == 62 => (16..=19).contains(&n),
        _ if matches!(p(2), 50 | 56 | 57 | 58) || p(1) == 6 => (12..=19).contains(&n),
        _ => false,
    }
}

/// Whether a match is a piece of longer numeric text: digits continue it across a
/// separator (`… 1234 4111 1111 1111 1111`), a decimal point or comma, or it is one end
/// of a range of numbers or addresses (`7f00…-7f01…`, as in `/proc/self/maps`).
fn inside_numbers(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let before = |k: usize| start.checked_sub(k).map(|i| b[i]);
    let after = |k: usize| b.get(end + k - 1).copied();
    let continues = |sep: Option<u8>, next: Option<u8>| match (sep, next) {
        (Some(b' ' | b'.' | b','), Some(d)) => d.is_ascii_digit(),
        (Some(b'-'), Some(d)) => d.is_ascii_hexdigit(),
        _ => false,
    };
    let continues_before = continues(before(1), before(2));
    let continues_after = continues(after(1), after(2));
    continues_before || continues_after
}

fn all_same(s: &str) -> bool {
    let d = digits(s);
    d.windows(2).all(|w| w[0] == w[1])
}

/// ISO 13616 mod-97 check.
pub fn iban_check(s: &str) -> bool {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() < 15 || compact.len() > 34 {
        return false;
    }
    let (head, tail) = compact.split_at(4);
    let mut rem: u64 = 0;
    for c in tail.chars().chain(head.chars()) {
        let v = match c {
            '0'..='9' => c as u64 - '0' as u64,
            'A'..='Z' => c as u64 - 'A' as u64 + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

fn iban_mod97(text: &str, start: usize, end: usize) -> bool {
    iban_check(&text[start..end])
}

fn ssn(text: &str, start: usize, end: usize) -> bool {
    let m = &text[start..end];
    let (area, rest) = m.split_at(3);
    let (group, serial) = (&rest[1..3], &rest[4..]);
    area != "000" && area != "666" && !area.starts_with('9') && group != "00" && serial != "0000"
}

fn nino(text: &str, start: usize, _end: usize) -> bool {
    // Letters HMRC never uses first (D F I U V) and prefixes never issued. QQ stays: it is
    // HMRC's documented example, the very value test data plants.
    let prefix = &text[start..start + 2];
    !matches!(&prefix[..1], "D" | "F" | "I" | "U" | "V")
        && !matches!(prefix, "BG" | "GB" | "NK" | "KN" | "TN" | "NT" | "ZZ")
}

fn phone(text: &str, start: usize, end: usize) -> bool {
    // E.164 allows 8 to 15 digits; something glued to letters is not a phone number.
    let n = digits(&text[start..end]).len();
    let before = text[..start].chars().next_back();
    (8..=15).contains(&n) && !before.is_some_and(|c| c.is_ascii_alphanumeric())
}

fn email(text: &str, start: usize, end: usize) -> bool {
    // Written URL-encoded (`%40`) or JSON-escaped (`\u0040`): judged decoded.
    let decoded = text[start..end].replace("%40", "@").replace("\\u0040", "@");
    let m = decoded.as_str();
    // Not a versioned symbol such as `memcpy@GLIBC_2.14` or `foo@@VERS_1.0`.
    let domain = m.rsplit('@').next().unwrap_or("");
    // Not the password@host part of `scheme://user:password@host`, nor the user of
    // `scheme://user@host` (a Sentry DSN's key, an SSH or FTP URL's login).
    let userinfo = (text[..start].ends_with(':') && text[..start].contains("://"))
        || (text[..start].ends_with("://") && !text[..start].ends_with("mailto://"));
    !domain.chars().next().is_some_and(|c| c.is_ascii_digit())
        && !m.contains("@@")
        && !userinfo
        && !protocol_name(m)
}

/// E-mail-shaped names that protocols give their extensions (RFC 4251's `name@domain`):
/// SSH algorithms such as `ecdsa-sha2-nistp256-cert-v01@openssh.com` or
/// `curve25519-sha256@libssh.org`. Their local part is made of algorithm words.
fn protocol_name(m: &str) -> bool {
    const ALGORITHM: &[&str] = &[
        "sha1",
        "sha2",
        "sha256",
        "sha384",
        "sha512",
        "md5",
        "aes128",
        "aes192",
        "aes256",
        "hmac",
        "rsa",
        "dss",
        "dsa",
        "ecdsa",
        "ecdh",
        "ed25519",
        "ed448",
        "curve25519",
        "curve448",
        "poly1305",
        "chacha20",
        "gcm",
        "ctr",
        "cbc",
        "etm",
        "umac",
        "nistp256",
        "nistp384",
        "nistp521",
        "cert",
        "v01",
        "v00",
        "zlib",
        "sntrup761x25519",
        "mlkem768x25519",
        "sk",
        "ssh",
        "publickey",
        "hostbound",
        "keepalive",
        "webauthn",
        "kex",
        "strict",
        "ext",
        "info",
        "openssh",
        "none",
        "rijndael",
        "blowfish",
        "arcfour",
        "3des",
        "diffie",
        "hellman",
        "group",
        "exchange",
        "group14",
        "group16",
        "group18",
    ];
    let local = m.split('@').next().unwrap_or("");
    let words: Vec<&str> = local.split(['-', '.', '_']).collect();
    let known = words
        .iter()
        .filter(|w| ALGORITHM.contains(&w.to_ascii_lowercase().as_str()))
        .count();
    // Most of the words are algorithm words, and at least one is a cipher, hash or key
    // type (not just `info` or `ext`).
    known * 2 > words.len() && known >= 1 && words.len() >= 2
        || (words.len() == 1
            && matches!(
                local,
                "zlib" | "keepalive" | "kex-strict-s-v00" | "ext-info-c"
            ))
}

fn not_placeholder(text: &str, start: usize, end: usize) -> bool {
    // A Chromium switch's per-launch IPC token (`--mojo-channel-token=<32 hex>`) is the
    // `ipc-token` rule's, at low severity.
    let before = &text[..start];
    let switch = before.ends_with("token=")
        && before
            .rsplit(|c: char| c.is_whitespace() || c == '"')
            .next()
            .is_some_and(|w| w.starts_with("--"))
        && end - start == 32
        && text[start..end].bytes().all(|b| b.is_ascii_hexdigit());
    if switch {
        return false;
    }
    let v = text[start..end].to_ascii_lowercase();
    !matches!(
        v.as_str(),
        "null" | "none" | "true" | "false" | "undefined" | "xxxx" | "****" | "<redacted>"
    ) && !v.starts_with("${")
        && !v.starts_with('%')
}

/// Home folders that belong to no person.
pub fn is_generic_user(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "shared"
            | "public"
            | "default"
            | "default user"
            | "all users"
            | "guest"
            | "root"
            | "runner"
            | "builder"
            | "build"
            | "user"
            | "username"
            | "$user"
            | "%username%"
            | "chronos"
            | "defaultuser0"
            | "administrator"
            | "admin"
            | "localservice"
            | "networkservice"
            | "systemprofile"
            | "*"
            | "..."
            | "."
    )
}

/// Whether `name` can be a person's account or machine name: it starts with a letter
/// or digit and holds only letters, digits, spaces (not at either end) and `. _ - ~ $ '`
/// (no brackets, quotes or other fragments of cut text), and names nobody in general.
pub fn is_identity_name(name: &str) -> bool {
    let n = name.chars().count();
    (2..=64).contains(&n)
        && name.chars().next().is_some_and(char::is_alphanumeric)
        && !name.ends_with(' ')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-' | '~' | '$' | '\''))
        && !name.chars().all(|c| c.is_ascii_digit())
        && !is_generic_user(name)
}

fn real_user(text: &str, start: usize, end: usize) -> bool {
    let name = &text[start..end];
    // A short name that ends the text may be a path cut short (`/home/ze` of `/home/zeus`
    // where memory stopped being text).
    let cut = end == text.len() && name.chars().count() < 3;
    is_identity_name(name) && !cut
}

fn ipv4(text: &str, start: usize, end: usize) -> bool {
    let m = &text[start..end];
    let first: u32 = m
        .split('.')
        .next()
        .and_then(|o| o.parse().ok())
        .unwrap_or(0);
    if first == 0 || first == 127 || m == "255.255.255.255" {
        return false;
    }
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let after2 = text[end..].chars().nth(1);
    // Version strings: v1.2.3.4, 1.2.3.4.5, 10.0.19041.1 (octet > 255 never matches).
    let versioned = matches!(before, Some('v' | 'V' | '.' | '-' | '_'))
        || (after == Some('.') && after2.is_some_and(|c| c.is_ascii_digit()));
    !versioned && !version_context(&text[..start])
}

/// Whether the text before a dotted number says it is a version: `Version=1.0.0.0`
/// (.NET assembly names), `FileVersion: 10.0.1.2`, `ver 1.2.3.4`, a product token
/// (`Chrome/120.0.0.0`, but not `http://1.2.3.4`).
fn version_context(before: &str) -> bool {
    let tail: String = before
        .chars()
        .rev()
        .take(32)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let trimmed = tail.trim_end_matches([' ', '=', ':', '"', '\'', '\t', '(', '[']);
    let lower = trimmed.to_ascii_lowercase();
    let word: String = lower
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let product = tail.ends_with('/')
        && tail[..tail.len() - 1]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && !tail.contains("://");
    word.ends_with("version")
        || matches!(
            word.as_str(),
            "ver" | "build" | "release" | "rev" | "revision" | "firmware" | "fw"
        )
        || product
}

fn ipv6(text: &str, start: usize, end: usize) -> bool {
    let m = &text[start..end];
    let groups = m.split(':').filter(|g| !g.is_empty()).count();
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    groups >= 3
        && m != "::1"
        && !matches!(before, Some(':'))
        && !matches!(after, Some(':'))
        && m.chars().filter(|&c| c == ':').count() >= 2
}

/// File names and code namespaces are not host names: `Microsoft.Internal.Foo.dll`,
/// `app.home.json`, `System.Runtime.Internal` (PascalCase labels are a namespace).
fn host_not_file(text: &str, start: usize, end: usize) -> bool {
    const FILE: &[&str] = &[
        "dll",
        "exe",
        "pdb",
        "so",
        "dylib",
        "sys",
        "lib",
        "a",
        "o",
        "obj",
        "json",
        "xml",
        "txt",
        "log",
        "dat",
        "ini",
        "cfg",
        "conf",
        "manifest",
        "mui",
        "pak",
        "bin",
        "js",
        "ts",
        "cs",
        "h",
        "hpp",
        "c",
        "cc",
        "cpp",
        "rs",
        "py",
        "class",
        "jar",
        "db",
        "sqlite",
        "plist",
        "nib",
        "framework",
        "app",
        "bundle",
        "resources",
        "winmd",
        "node",
        "wasm",
        "png",
        "jpg",
        "ico",
        "html",
        "css",
        "yaml",
        "yml",
        "toml",
        "lock",
        "tmp",
        "bak",
    ];
    let m = &text[start..end];
    let last = m.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let next_is_ext = text[end..].starts_with('.');
    let pascal = m
        .split('.')
        .filter(|l| {
            let mut c = l.chars();
            c.next().is_some_and(|f| f.is_ascii_uppercase()) && c.any(|x| x.is_ascii_lowercase())
        })
        .count()
        >= 2;
    !FILE.contains(&last.as_str()) && !next_is_ext && !pascal
}

/// A UNC server name, not the local machine's aliases or a WSL share.
fn unc_host(text: &str, start: usize, end: usize) -> bool {
    let h = text[start..end].to_ascii_lowercase();
    !matches!(
        h.as_str(),
        "localhost" | "127.0.0.1" | "wsl" | "wsl.localhost" | "tsclient"
    ) && h.chars().any(|c| c.is_ascii_alphabetic())
}

fn mac(text: &str, start: usize, end: usize) -> bool {
    let m = &text[start..end];
    let sep = m.as_bytes()[2];
    let consistent = m.bytes().skip(2).step_by(3).all(|b| b == sep);
    let lower = m.to_ascii_lowercase();
    consistent
        && lower != "00:00:00:00:00:00"
        && lower != "ff:ff:ff:ff:ff:ff"
        && lower != "00-00-00-00-00-00"
        && lower != "ff-ff-ff-ff-ff-ff"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(id: &str, text: &str) -> Vec<String> {
        let (i, rule) = RULES.iter().enumerate().find(|(_, r)| r.id == id).unwrap();
        let mut ranges = Vec::new();
        super::find(i, &Text::new(text), &mut ranges);
        ranges
            .into_iter()
            .filter(|&(s, e)| rule.validator.is_none_or(|v| v(text, s, e)))
            .map(|(s, e)| text[s..e].to_string())
            .collect()
    }

    #[test]
    fn cards_are_luhn_checked() {
        assert_eq!(
            find("payment-card", "card 4111 1111 1111 1111 ok"),
            ["4111 1111 1111 1111"]
        );
        assert!(find("payment-card", "card 4111 1111 1111 1112").is_empty());
        assert!(find("payment-card", "0000000000000000").is_empty());
    }

    #[test]
    fn ibans_are_mod97_checked() {
        assert_eq!(
            find("iban", "iban DE89 3704 0044 0532 0130 00."),
            ["DE89 3704 0044 0532 0130 00"]
        );
        assert!(find("iban", "DE88 3704 0044 0532 0130 00").is_empty());
    }

    #[test]
    fn ipv4_skips_versions_and_loopback() {
        assert_eq!(find("ipv4", "ip=203.0.113.45;"), ["203.0.113.45"]);
        assert_eq!(find("ipv4", "server=203.0.113.45"), ["203.0.113.45"]);
        assert_eq!(find("ipv4", "v=203.0.113.45;"), ["203.0.113.45"]);
        assert_eq!(find("ipv4", "http://203.0.113.45/"), ["203.0.113.45"]);
        assert!(find("ipv4", "System.Core, Version=4.0.0.0, Culture=neutral").is_empty());
        assert!(find("ipv4", "FileVersion: 10.0.1.2").is_empty());
        assert!(find("ipv4", "Chrome/120.0.0.0 Safari").is_empty());
        assert!(find("ipv4", "v1.2.3.4").is_empty());
        assert!(find("ipv4", "10.0.19041.1").is_empty());
        assert!(find("ipv4", "127.0.0.1").is_empty());
    }

    #[test]
    fn ipv6_needs_real_groups() {
        assert_eq!(
            find("ipv6", "peer 2001:db8:85a3::8a2e:370:7334 up"),
            ["2001:db8:85a3::8a2e:370:7334"]
        );
        assert!(find("ipv6", "std::vec").is_empty());
        assert!(find("ipv6", "::1").is_empty());
    }

    #[test]
    fn user_paths_capture_the_user() {
        assert_eq!(find("user-path", "/home/alice/x"), ["alice"]);
        assert_eq!(find("user-path", r"C:\Users\bob\AppData"), ["bob"]);
        assert_eq!(
            find("user-path", r"C:\DOCUME~1\MMENTO~1\LOCALS~1"),
            ["MMENTO~1"]
        );
        assert!(find("user-path", "/Users/Shared/x").is_empty());
    }

    #[test]
    fn secrets() {
        assert_eq!(
            find("github-token", "t=ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake0123"),
            ["ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake0123"]
        );
        assert_eq!(
            find("aws-access-key-id", "AKIAIOSFODNN7EXAMPLE"),
            ["AKIAIOSFODNN7EXAMPLE"]
        );
        assert_eq!(
            find("url-credentials", "postgres://alice:hunter2@db"),
            ["alice:hunter2"]
        );
        assert_eq!(
            find("secret-assignment", "password=Tr0ub4dor&3"),
            ["Tr0ub4dor"]
        );
        assert!(find("secret-assignment", "password=null").is_empty());
        assert_eq!(
            find("secret-assignment", "STRIPE_API_KEY=sk_test_4eC39Hq"),
            ["sk_test_4eC39Hq"]
        );
        assert!(find("secret-assignment", "tokenizer=fast").is_empty());
        assert_eq!(
            find(
                "npm-token",
                "NPM_TOKEN=npm_OkLVyVbV1NQBzimdcUrqww91OlIqGB4kVxMZ"
            ),
            ["npm_OkLVyVbV1NQBzimdcUrqww91OlIqGB4kVxMZ"]
        );
        assert_eq!(find("us-ssn", "ssn 123-45-6789"), ["123-45-6789"]);
        assert_eq!(find("uk-nino", "nino QQ123456C."), ["QQ123456C"]);
        assert!(find("uk-nino", "GB123456A").is_empty());
        assert_eq!(
            find("phone-number", "tel +44 20 7946 0958;"),
            ["+44 20 7946 0958"]
        );
        assert!(find("phone-number", "+1 2").is_empty());
        assert!(find("us-ssn", "666-45-6789").is_empty());
    }

    #[test]
    fn emails_but_not_symbol_versions() {
        assert_eq!(
            find("email", "to alice@example.com."),
            ["alice@example.com"]
        );
        assert!(find("email", "memcpy@GLIBC_2.14").is_empty());
        assert!(find("email", "postgres://alice:hunter2@db.example.com").is_empty());
    }

    #[test]
    fn false_alarms_by_kind() {
        // Cards: an issuer's range and length, a printed grouping, no neighbouring digits.
        assert!(find("payment-card", "4111 1111 1111 1111 2222").is_empty());
        assert!(find("payment-card", "12 4111 1111 1111 1111").is_empty());
        assert!(find("payment-card", "7f0000000000-4111111111111111 r-xp").is_empty());
        assert!(find("payment-card", "9111111111111111").is_empty());
        assert_eq!(
            find("payment-card", "amex=378282246310005|"),
            ["378282246310005"]
        );
        assert_eq!(
            find("payment-card", "exp 4111 1111 1111 1111 exp"),
            ["4111 1111 1111 1111"]
        );
        // Protocol names are not e-mails; a real address next to one still is.
        assert!(find(
            "email",
            "ecdsa-sha2-nistp256-cert-v01@openssh.com,ssh-ed25519"
        )
        .is_empty());
        assert!(find("email", "curve25519-sha256@libssh.org").is_empty());
        assert_eq!(
            find("email", "mail sha.lee@example.com"),
            ["sha.lee@example.com"]
        );
        // File names and namespaces are not hosts.
        assert!(find("internal-host", "Microsoft.Internal.Foo.dll").is_empty());
        assert!(find("internal-host", "System.Runtime.Internal.Helpers").is_empty());
        assert_eq!(
            find("internal-host", "ping build7.corp.example.com"),
            ["build7.corp.example.com"]
        );
        // A Chromium IPC token is not a secret assignment.
        assert!(find(
            "secret-assignment",
            "--mojo-channel-token=D6D740BB6A6598E721477DDA6CD790EA"
        )
        .is_empty());
        assert_eq!(
            find(
                "ipc-token",
                "--mojo-channel-token=D6D740BB6A6598E721477DDA6CD790EA"
            ),
            ["D6D740BB6A6598E721477DDA6CD790EA"]
        );
    }

    #[test]
    fn identity_shapes() {
        assert_eq!(
            find("user-path", r"C:\Users\Jane Doe\AppData"),
            ["Jane Doe"]
        );
        assert_eq!(
            find("user-path", r"USERPROFILE=C:\Users\Jane Doe"),
            ["Jane Doe"]
        );
        assert_eq!(find("user-path", "/home/alice is here"), ["alice"]);
        assert_eq!(
            find("user-path", r"\Device\HarddiskVolume3\Users\bob\x"),
            ["bob"]
        );
        assert_eq!(find("user-path", "/home/zoë/x"), ["zoë"]);
        assert!(find(
            "user-path",
            "/home/chronos/u-0123456789abcdef0123456789abcdef01234567"
        )
        .is_empty());
        assert_eq!(
            find(
                "chromeos-user-hash",
                "/home/chronos/u-0123456789abcdef0123456789abcdef01234567/x"
            ),
            ["0123456789abcdef0123456789abcdef01234567"]
        );
        assert_eq!(
            find(
                "windows-sid",
                "owner S-1-5-21-3623811015-3361044348-30300820-1013 x"
            ),
            ["S-1-5-21-3623811015-3361044348-30300820-1013"]
        );
        assert_eq!(find("unc-host", r"open \\FILESRV01\share\a"), ["FILESRV01"]);
        assert!(find("unc-host", r"\\?\C:\x").is_empty());
        assert_eq!(
            find(
                "id-assignment",
                "device_id=0f8fad5b-d9cb-469f-a165-70867728950e"
            ),
            ["0f8fad5b-d9cb-469f-a165-70867728950e"]
        );
        assert_eq!(find("card-security-code", "cvv=737&x"), ["737"]);
        assert_eq!(
            find("numeric-uid", "Uid:\t1000\t1000\t1000\t1000"),
            ["1000"]
        );
    }

    #[test]
    fn macs_need_one_separator() {
        assert_eq!(
            find("mac-address", "00:1a:2b:3c:4d:5e"),
            ["00:1a:2b:3c:4d:5e"]
        );
        assert!(find("mac-address", "00:1a-2b:3c:4d:5e").is_empty());
    }
}

#[cfg(test)]
mod prefilter_tests {
    use super::*;

    /// The prefilter never hides a match: on texts that each rule matches, `candidates`
    /// still offers that rule.
    #[test]
    fn prefilter_keeps_every_rule_that_matches() {
        let samples = [
            "-----BEGIN RSA PRIVATE KEY-----",
            "AKIAIOSFODNN7EXAMPLE",
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake0123",
            "xoxb-1234567890-abc",
            "AIzaSyA-1234567890abcdefghijklmnopqrstu",
            "sk_live_abcdefghijklmnopqrstuvwx",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWZha2U",
            "Authorization: BEARER abcdefghijklmnopqrstuvwxyz",
            "postgres://alice:hunter2@db",
            "PASSWORD: Tr0ub4dor",
            "4111 1111 1111 1111",
            "DE89 3704 0044 0532 0130 00",
            "123-45-6789",
            "alice@example.com",
            r"C:\USERS\bob\x",
            "/home/alice/x",
            "203.0.113.45",
            "2001:db8:85a3::8a2e:370:7334",
            "00-1a-2b-3c-4d-5e",
            "https://a.example/x?s=1",
            "alice-laptop.CORP.example.com",
        ];
        for text in samples {
            let offered: Vec<usize> = candidates(text).collect();
            for (i, rule) in RULES.iter().enumerate() {
                let mut found = Vec::new();
                find(i, &Text::new(text), &mut found);
                if !found.is_empty() {
                    assert!(
                        offered.contains(&i),
                        "{} matches {text:?} but was filtered out",
                        rule.id
                    );
                }
            }
        }
    }
}
