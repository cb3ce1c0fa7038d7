//! Validators: what tells a real value from a look-alike once a pattern matched (a
//! checksum, an issuer's number ranges, the words around a number, a name nobody has).

pub(super) fn digits(s: &str) -> Vec<u32> {
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

pub(super) fn luhn_card(text: &str, start: usize, end: usize) -> bool {
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
pub(super) fn issuer_length(digits: &str) -> bool {
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
pub(super) fn inside_numbers(text: &str, start: usize, end: usize) -> bool {
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

pub(super) fn all_same(s: &str) -> bool {
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

pub(super) fn iban_mod97(text: &str, start: usize, end: usize) -> bool {
    iban_check(&text[start..end])
}

pub(super) fn ssn(text: &str, start: usize, end: usize) -> bool {
    let m = &text[start..end];
    let (area, rest) = m.split_at(3);
    let (group, serial) = (&rest[1..3], &rest[4..]);
    area != "000" && area != "666" && !area.starts_with('9') && group != "00" && serial != "0000"
}

pub(super) fn nino(text: &str, start: usize, _end: usize) -> bool {
    // Letters HMRC never uses first (D F I U V) and prefixes never issued. QQ stays: it is
    // HMRC's documented example, the very value test data plants.
    let prefix = &text[start..start + 2];
    !matches!(&prefix[..1], "D" | "F" | "I" | "U" | "V")
        && !matches!(prefix, "BG" | "GB" | "NK" | "KN" | "TN" | "NT" | "ZZ")
}

pub(super) fn phone(text: &str, start: usize, end: usize) -> bool {
    // E.164 allows 8 to 15 digits; something glued to letters is not a phone number.
    let n = text[start..end].bytes().filter(u8::is_ascii_digit).count();
    let before = text[..start].chars().next_back();
    (8..=15).contains(&n) && !before.is_some_and(|c| c.is_ascii_alphanumeric())
}

pub(super) fn email(text: &str, start: usize, end: usize) -> bool {
    // Written URL-encoded (`%40`) or JSON-escaped (`\u0040`): judged decoded.
    let raw = &text[start..end];
    let decoded = if raw.contains(['%', '\\']) {
        std::borrow::Cow::Owned(raw.replace("%40", "@").replace("\\u0040", "@"))
    } else {
        std::borrow::Cow::Borrowed(raw)
    };
    let m = &*decoded;
    // Not a versioned symbol such as `memcpy@GLIBC_2.14` or `foo@@VERS_1.0`.
    let domain = m.rsplit('@').next().unwrap_or("");
    // Not the password@host part of `scheme://user:password@host`, nor the user of
    // `scheme://user@host` (a Sentry DSN's key, an SSH or FTP URL's login).
    let userinfo = (text[..start].ends_with(':') && text[..start].contains("://"))
        || (text[..start].ends_with("://") && !text[..start].ends_with("mailto://"));
    !domain.chars().next().is_some_and(|c| c.is_ascii_digit())
        && memchr::memmem::find(m.as_bytes(), b"@@").is_none()
        && !userinfo
        && !protocol_name(m)
        && !addon_entry(text, end)
        && !role_mailbox(m)
}

/// An add-on id in a list of installed add-ons (Firefox's `Add-ons` annotation,
/// `uBlock0%40raymondhill.net:1.50.0,…`): an e-mail-shaped id followed by `:` and its
/// version. An address is never followed by a version.
fn addon_entry(text: &str, end: usize) -> bool {
    let rest = &text.as_bytes()[end..];
    let digits = rest
        .iter()
        .skip(1)
        .take_while(|b| b.is_ascii_digit())
        .count();
    rest.first() == Some(&b':')
        && digits > 0
        && matches!(
            rest.get(1 + digits),
            None | Some(b'.' | b',' | b';' | b'\0' | b'a'..=b'z')
        )
}

/// A role mailbox (`support@`, `noreply@`, `crash-reports@`): an organisation's address,
/// such as the vendor's own in its program, not a person's.
fn role_mailbox(m: &str) -> bool {
    const ROLES: &[&str] = &[
        "support",
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "help",
        "info",
        "feedback",
        "crash",
        "crashes",
        "crashreports",
        "crash-reports",
        "bugs",
        "security",
        "abuse",
        "postmaster",
        "webmaster",
        "hostmaster",
        "privacy",
        "legal",
        "sales",
        "contact",
        "notifications",
    ];
    let local = m.split(['@', '%']).next().unwrap_or("");
    ROLES.iter().any(|r| local.eq_ignore_ascii_case(r))
}

/// E-mail-shaped names that protocols give their extensions (RFC 4251's `name@domain`):
/// SSH algorithms such as `ecdsa-sha2-nistp256-cert-v01@openssh.com` or
/// `curve25519-sha256@libssh.org`. Their local part is made of algorithm words.
pub(super) fn protocol_name(m: &str) -> bool {
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
    // One word (most addresses' local part): only the one-word names.
    if !local.contains(['-', '.', '_']) {
        return matches!(local, "zlib" | "keepalive");
    }
    let (mut words, mut known) = (0, 0);
    for w in local.split(['-', '.', '_']) {
        words += 1;
        known += usize::from(ALGORITHM.iter().any(|a| a.eq_ignore_ascii_case(w)));
    }
    // Most of the words are algorithm words (`kex-strict-s-v00`, `ext-info-c`).
    known * 2 > words
}

pub(super) fn not_placeholder(text: &str, start: usize, end: usize) -> bool {
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
    // Placeholders, and the words a settings file or a schema puts where a value goes
    // (`Secret=Default`, `password: string`).
    !matches!(
        v.as_str(),
        "null"
            | "none"
            | "true"
            | "false"
            | "undefined"
            | "xxxx"
            | "****"
            | "<redacted>"
            | "redacted"
            | "default"
            | "empty"
            | "unset"
            | "required"
            | "optional"
            | "hidden"
            | "string"
            | "boolean"
            | "integer"
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

pub(super) fn real_user(text: &str, start: usize, end: usize) -> bool {
    let name = &text[start..end];
    // A short name that ends the text may be a path cut short (`/home/ze` of `/home/zeus`
    // where memory stopped being text).
    let cut = end == text.len() && name.chars().count() < 3;
    is_identity_name(name) && !cut
}

pub(super) fn ipv4(text: &str, start: usize, end: usize) -> bool {
    let m = &text[start..end];
    let first: u32 = m
        .split('.')
        .next()
        .and_then(|o| o.parse().ok())
        .unwrap_or(0);
    if first == 0 || first == 127 || m == "255.255.255.255" {
        return false;
    }
    // X.509's object identifiers of four arcs (`2.5.4.3`, the common name; `1.3.6.1`):
    // certificate code and data are full of them.
    if ["2.5.4.", "2.5.29.", "2.5.6.", "1.3.6.1"]
        .iter()
        .any(|arc| m.starts_with(arc))
    {
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
pub(super) fn version_context(before: &str) -> bool {
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

pub(super) fn ipv6(text: &str, start: usize, end: usize) -> bool {
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
pub(super) fn host_not_file(text: &str, start: usize, end: usize) -> bool {
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
    // Windows' DLL redirection: `app.exe.local` (a folder or file beside the program).
    let lower = m.to_ascii_lowercase();
    if lower.ends_with(".exe.local") || lower.ends_with(".dll.local") {
        return false;
    }
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
pub(super) fn unc_host(text: &str, start: usize, end: usize) -> bool {
    let h = text[start..end].to_ascii_lowercase();
    !matches!(
        h.as_str(),
        "localhost" | "127.0.0.1" | "wsl" | "wsl.localhost" | "tsclient"
    ) && h.chars().any(|c| c.is_ascii_alphabetic())
}

pub(super) fn mac(text: &str, start: usize, end: usize) -> bool {
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

/// A SteamID64 names an individual account only inside Valve's range for them (public
/// universe, individual type, desktop instance): 76561197960265729 up to 2^32 accounts
/// later. The other forms carry the account number itself.
pub(super) fn steam_id(text: &str, start: usize, end: usize) -> bool {
    let m = &text[start..end];
    match m.parse::<u64>() {
        Ok(id) => (76_561_197_960_265_729..76_561_197_960_265_728 + (1 << 32)).contains(&id),
        Err(_) => true,
    }
}
