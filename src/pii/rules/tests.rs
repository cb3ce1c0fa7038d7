//! Tests of the rule table, its validators and its prefilters.

use super::shape::*;
use super::*;

mod value_rules {
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
    fn oids_and_dll_redirection_are_not_addresses_or_hosts() {
        for oid in ["OID 2.5.4.3", "2.5.29.17 subjectAltName", "arc 1.3.6.1"] {
            assert!(find("ipv4", oid).is_empty(), "{oid}");
        }
        assert_eq!(find("ipv4", "peer 198.51.100.7"), ["198.51.100.7"]);
        assert!(find("internal-host", r"C:\Program Files\App\app.exe.local\x.dll").is_empty());
        assert_eq!(
            find("internal-host", "db.corp.local:5432"),
            ["db.corp.local"]
        );
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
        for name in [
            "zlib@openssh.com",
            "keepalive@openssh.com",
            "kex-strict-s-v00@openssh.com",
            "ext-info-c@openssh.com",
        ] {
            assert!(find("email", name).is_empty(), "{name}");
        }
        assert_eq!(find("email", "zlibby@example.com"), ["zlibby@example.com"]);
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

mod prefilters {
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
            "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            "QQ 12 34 56 C",
            "user_id=1234567",
            "x CustomerGUID: \"0123456789abcdef0123\"",
            "app.exe -epicaccountid=0123456789abcdef",
            "login-uuid=01234567-89ab-cdef-0123-456789abcdef",
            "qq123456c and GB82WEST12345698765432",
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

    /// The byte-pair filter never hides a needle: `has`, `has_ci` and `followed` agree
    /// with a plain search on 20,000 random texts (the filter is 1,024 bits, so texts of
    /// a few hundred bytes also fill it up and take the search).
    #[test]
    fn the_pair_filter_never_hides_a_needle() {
        let alphabet = b"aAbB:=./-_ 1";
        let needles = [
            "ab", "ba", "a:", "=b", "aab", "b.a", "ab-", "a_b1", "bb ", "1a",
        ];
        let mut next = crate::testutil::xorshift(0x2545_f491_4f6c_dd1du64);
        let mut hidden = 0;
        for _ in 0..20_000 {
            let len = next(300);
            let text: String = (0..len)
                .map(|_| alphabet[next(alphabet.len())] as char)
                .collect();
            let shape = Shape::of(&text);
            let lower = text.to_ascii_lowercase();
            for needle in needles {
                assert_eq!(
                    shape.has(needle),
                    text.contains(needle),
                    "{needle:?} in {text:?}"
                );
                assert_eq!(
                    shape.has_ci(needle),
                    lower.contains(needle),
                    "{needle:?} in {text:?}"
                );
                let followed = text
                    .match_indices(needle)
                    .any(|(at, _)| text.as_bytes().get(at + needle.len()) == Some(&b'='));
                assert_eq!(shape.followed(needle, |b| b == b'='), followed);
                hidden += usize::from(!lower.contains(needle));
            }
        }
        assert!(
            hidden > 10_000,
            "the filter was tested on absent needles {hidden} times"
        );
    }
}

/// [`Patterns::of`] against the shapes' definitions, byte by byte, on random texts of
/// the bytes they look at.
#[test]
fn patterns_agree_with_their_definitions() {
    fn reference(text: &[u8]) -> Patterns {
        let mut s = Patterns::default();
        let (mut colons, mut dashes) = (0usize, 0usize);
        for (i, &b) in text.iter().enumerate() {
            let p = |k: usize| i.checked_sub(k).map_or(0, |j| text[j]);
            let (p0, p1, p2) = (p(1), p(2), p(3));
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
        }
        s
    }
    // Every byte kind the shapes tell apart; the second alphabet makes long runs of hex
    // digits and separators (an IPv6 or MAC address) common.
    let alphabets: [&[u8]; 2] = [b"0123456789abcdefABCDEFQZgz:- .\x00\xff", b"0a:-"];
    let mut next = crate::testutil::xorshift(0x5eed_2026);
    let mut seen = [false; 6];
    for _ in 0..20_000 {
        let alphabet = alphabets[next(2)];
        let len = next(40);
        let text: Vec<u8> = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
        let want = reference(&text);
        assert_eq!(Patterns::of(&text), want, "{text:?}");
        for (k, on) in [
            want.iban_head,
            want.nino_head,
            want.hex_pair_sep,
            want.hex_double_colon,
            want.hex_colon_run >= 7,
            want.hex_sep_run >= 5,
        ]
        .into_iter()
        .enumerate()
        {
            seen[k] |= on;
        }
    }
    assert_eq!(seen, [true; 6], "every shape was present in some text");
}
