//! Tests of the rule table and its validators (the prefilter: `tests/matcher.rs`).

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
        for placeholder in ["Secret=Default", "password: string", "api_key = REQUIRED"] {
            assert!(
                find("secret-assignment", placeholder).is_empty(),
                "{placeholder}"
            );
        }
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
        // Azure's shared access signature, URL-encoded as a program holds it; another
        // site's `sig=` is not one.
        let sas = "https://acct.blob.core.windows.net/c/x?sv=2022-11-02&sp=r&se=2026-01-01T00:00Z&sig=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG0%2Bx%3D";
        assert_eq!(
            find("azure-sas-signature", sas),
            ["Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG0%2Bx%3D"]
        );
        assert!(find(
            "azure-sas-signature",
            "https://forum.example/p?id=1&sig=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG0"
        )
        .is_empty());
        let hook = "https://discord.com/api/webhooks/123456789012345678/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWxYz0123";
        assert_eq!(find("discord-webhook", &format!("url={hook}\0")), [hook]);
        assert_eq!(
            find(
                "gcp-private-key-id",
                r#"{"type": "service_account", "private_key_id": "8f3a9c2b1d4e5f6a7b8c9d0e1f2a3b4c5d6e7f80","#
            ),
            ["8f3a9c2b1d4e5f6a7b8c9d0e1f2a3b4c5d6e7f80"]
        );
        // A game's crash data: the player's Steam account in its three forms; a
        // 17-digit number outside Valve's range for accounts is none.
        assert_eq!(
            find(
                "steam-id",
                "steamid=76561198012345678 [U:1:52079950] STEAM_0:0:26039975"
            ),
            ["76561198012345678", "[U:1:52079950]", "STEAM_0:0:26039975"]
        );
        assert!(find("steam-id", "76561190000000000").is_empty());
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

    /// Add-on ids in an add-on list and role mailboxes (the vendor's support address)
    /// look like e-mails but name no person; a person's address next to them still does.
    #[test]
    fn addon_ids_and_role_mailboxes_are_not_people() {
        let addons = "Add-ons=uBlock0%40raymondhill.net:1.50.0,jid0-abc@jetpack:2.1,formautofill@mozilla.org:1.0";
        assert!(
            find("email", addons).is_empty(),
            "{:?}",
            find("email", addons)
        );
        assert!(find(
            "email",
            "write to support@example.com or noreply@example.com"
        )
        .is_empty());
        assert_eq!(
            find(
                "email",
                "support@example.com, alice@example.com: 3 messages"
            ),
            ["alice@example.com"]
        );
        // A port after an address in a URL-ish text is no version list.
        assert_eq!(find("email", "bob@example.org"), ["bob@example.org"]);
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
