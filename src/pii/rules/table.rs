//! The table of crashscope's own value rules. It stays one file: the rules are read top
//! to bottom and their order is their precedence (the most specific first), so splitting
//! it would hide what overlaps what.

use super::validators::*;
use super::{Rule, ANY};
use crate::pii::Category as C;
use crate::pii::Severity::{High, Low, Medium};

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
        id: "provider-token",
        category: C::Secret,
        severity: High,
        description: "A provider's API token by its own prefix (OpenRouter sk-or-v1-, xAI xai-, Pinecone pcsk_, Replicate r8_, Doppler dp.st., Tailscale tskey-, Google GOCSPX-, Stripe whsec_, Anthropic sk-ant-, GitLab's routable glpat-….01.…, Azure DevOps ...AZDO...), also after Okta's SSWS, Discord's Bot and Telegram's /bot",
        pattern: r"\b((?:sk-or-v1-[0-9a-f]{64}|xai-[A-Za-z0-9]{70,90}|pcsk_[A-Za-z0-9]{4,12}_[A-Za-z0-9]{40,80}|r8_[A-Za-z0-9]{37}|dp\.(?:st|pt|ct|sa|scim|audit)\.(?:[a-z0-9_-]{1,30}\.)?[A-Za-z0-9_-]{40,64}|tskey-(?:auth|api|client|scim|webhook)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{16,}|GOCSPX-[A-Za-z0-9_-]{28}|whsec_[A-Za-z0-9+/=]{32,88}|sk-ant-(?:api|admin|sid)\d\d-[A-Za-z0-9_-]{80,120}|glpat-[A-Za-z0-9_-]{20,300}\.[0-9a-z]{2}\.[0-9a-z]{7,9}|[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}))\b|SSWS\s+(00[A-Za-z0-9_-]{40})\b|\bBot\s+([MN][A-Za-z0-9]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})\b|/bot(\d{8,10}:[A-Za-z0-9_-]{35})\b",
        group: ANY,
        folded: false,
        scanner: None,
        may: |s| {
            s.len() >= 20
                && [
                    "sk-or-v1-", "xai-", "pcsk_", "r8_", "dp.", "tskey-", "GOCSPX-", "whsec_",
                    "sk-ant-", "glpat-", "AZDO", "SSWS", "Bot", "/bot",
                ]
                .iter()
                .any(|p| s.has(p))
        },
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
        scanner: Some(crate::pii::scanners::google_api_key),
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
        validator: Some(crate::pii::protocols::basic_credentials),
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
        validator: Some(crate::pii::protocols::cookie_values),
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
        validator: Some(crate::pii::protocols::connection_string),
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
        validator: Some(crate::pii::protocols::imei),
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
        scanner: Some(crate::pii::scanners::payment_card),
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
        may: |s| s.digits >= 10 && s.upper >= 2 && s.patterns().iban_head,
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
        scanner: Some(crate::pii::scanners::us_ssn),
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
        scanner: Some(crate::pii::scanners::uk_nino),
        may: |s| s.digits >= 6 && s.upper >= 2 && s.patterns().nino_head,
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
        scanner: Some(crate::pii::scanners::user_path),
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
            // A key word right before `id`, `guid` or `uuid`, maybe after `_` or `-`
            // (`-epicuserid=` and `-epicaccountid=` hold `userid` and `accountid`): a
            // record that only holds `"id":` and `customer` somewhere is ruled out.
            s.len() >= 10
                && (s.equals || s.colons > 0)
                && s.has_ci("id")
                && ["user", "account", "login", "player", "customer", "member"]
                    .iter()
                    .any(|k| s.then_id_ci(k))
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
        scanner: Some(crate::pii::scanners::numeric_uid),
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
        scanner: Some(crate::pii::scanners::ipv4),
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
            // Seven groups, or fewer around a `::`.
            (s.colons >= 7 || (s.colons >= 2 && s.may_hold(b"::"))) && {
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
