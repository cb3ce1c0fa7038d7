//! The scanners against their rules' patterns.

use super::super::rules::RULES;
use super::*;

/// `scanner` finds what rule `id`'s pattern finds, on 40,000 texts made at random
/// from `pieces` (a fixed seed: the same texts every run).
fn agrees_on_random_texts(
    id: &str,
    scanner: fn(&[u8], &mut Vec<(usize, usize)>),
    pieces: &[&[u8]],
) {
    let rule = RULES.iter().find(|r| r.id == id).unwrap();
    let re = regex::bytes::RegexBuilder::new(rule.pattern)
        .unicode(false)
        .build()
        .unwrap();
    let mut next = crate::testutil::xorshift(0x9e37_79b9_7f4a_7c15u64);
    let mut matched = 0;
    for _ in 0..40_000 {
        let len = 1 + next(12);
        let text: Vec<u8> = (0..len)
            .flat_map(|_| pieces[next(pieces.len())].to_vec())
            .collect();
        let want: Vec<(usize, usize)> = re
            .captures_iter(&text)
            .filter_map(|c| match rule.group {
                super::super::rules::ANY => (1..c.len()).find_map(|g| c.get(g)),
                g => c.get(g),
            })
            .map(|m| (m.start(), m.end()))
            .collect();
        let mut got = Vec::new();
        scanner(&text, &mut got);
        assert_eq!(got, want, "{id} on {:?}", String::from_utf8_lossy(&text));
        matched += usize::from(!want.is_empty());
    }
    assert!(matched > 500, "{id}: only {matched} texts held a match");
}

#[test]
fn user_path_agrees_with_its_pattern_on_random_texts() {
    agrees_on_random_texts(
        "user-path",
        user_path,
        &[
            b"/",
            b"\\",
            b"\\\\",
            b"%2f",
            b"%5c",
            b"%",
            b"home",
            b"users",
            b"user",
            b"documents and settings",
            b"docume~1",
            b"x",
            b"a",
            b"bob",
            b"jane doe",
            b" ",
            b"  ",
            b":",
            b"|",
            b"*",
            b"\x0b",
            b"\t",
            b"\xc3\xa9",
            b"_",
            b".",
            b"c:",
            b"2f",
            b"-",
        ],
    );
}

#[test]
fn google_api_key_agrees_with_its_pattern_on_random_texts() {
    agrees_on_random_texts(
        "google-api-key",
        google_api_key,
        &[
            b"AIza",
            b"AIzaSyA1234567890abcdefghijklmnopq",
            b"AIzaSyA1234567890abcdefghijklmnopqrs",
            b"A",
            b"x",
            b"7",
            b"-",
            b"_",
            b" ",
            b"=",
            b"\xc3\xa9",
            b"--",
        ],
    );
}

/// Each scanner finds exactly what its rule's pattern finds.
#[test]
fn scanners_agree_with_their_patterns() {
    let texts = [
        "ip 203.0.113.45; 10.0.0.1 and 1.2.3.4.5 v1.2.3.4 256.1.1.1 1.2.3.256 01.002.3.4 x1.2.3.4",
        "255.255.255.255 249.250.251.252 300.1.1.1 1.1.1.1a 9.9.9.9_ 127.0.0.1:80 1.2.3.2555",
        "ssn 123-45-6789, 123-45-67890, a123-45-6789, 000-00-0000 12-345-6789 123-45-6789x",
        "card 4111 1111 1111 1111 and 4111111111111111 and 5500-0000-0000-0004 end",
        "4111 1111 1111 1111 2222 3333 44 and 41111111111111111111111 and 6011 0000 0000 0004x",
        "37828224631000 3 4111  1111 1111 1111 4111--1111 4111-1111-1111-111 7111111111111111",
        "",
        "1",
        "4111 1111 1111 1111",
        "nino AB 12 34 56 C, AB123456D; AB123456E xAB123456C AB 123456 C AB12 34 56 D1",
        "QQ 12 34 56 A, AB  12 34 56 C ab123456c AB 12 34 56C AB12 34 56 A_ ZZ999999A",
        "AB 12 34 5 C AB 12 34 56  C A 12 34 56 C AB1234567C NH123456B",
        "uid:\t1000\t1000\t1000\t1000",
        "uid: 12 /run/user/1000/bus /run/user/12 /run/user/12345678901 /run/user/4242x /run/user//run/user/777",
        "xuid: 1000 /run/user/1000",
        "uid:1000",
        "uid:    99999 /run/user/0",
        "c:\\users\\jane doe\\appdata c:\\\\users\\\\bob /home/alice/x %2fhome%2fcarol%2f",
        "\\device\\harddiskvolume3\\users\\jane doe c:\\documents and settings\\ann lee\\x",
        "/users/a b/c /users/a b c /home/a  b/ xdocume~1\\no docume~1/yes %5cusers%5cbob",
        "AIzaSyA1234567890abcdefghijklmnopqrstuvw AIzaSyA1234567890abcdefghijklmnopqrstuvwx",
        "xAIzaSyA1234567890abcdefghijklmnopqrstuvw key=AIzaSyA1234567890abcdefghijklmnopqrstu--",
        "AIzaAIzaSyA1234567890abcdefghijklmnopqrstuvw-AIzaSyA1234567890abcdefghijklmnopqrstuv-x",
        "AIzaSyA1234567890abcdefghijklmnopqrstu-- AIzaSyA1234567890abcdefghijklmnopqrst_-_ AIza",
    ];
    for (id, scanner) in [
        ("ipv4", ipv4 as fn(&[u8], &mut Vec<(usize, usize)>)),
        ("us-ssn", us_ssn),
        ("payment-card", payment_card),
        ("uk-nino", uk_nino),
        ("numeric-uid", numeric_uid),
        ("user-path", user_path),
        ("google-api-key", google_api_key),
    ] {
        let i = RULES.iter().position(|r| r.id == id).unwrap();
        for text in texts {
            let re = regex::bytes::RegexBuilder::new(RULES[i].pattern)
                .unicode(false)
                .build()
                .unwrap();
            let group = RULES[i].group;
            let want: Vec<(usize, usize)> = re
                .captures_iter(text.as_bytes())
                .filter_map(|c| match group {
                    super::super::rules::ANY => (1..c.len()).find_map(|g| c.get(g)),
                    g => c.get(g),
                })
                .map(|m| (m.start(), m.end()))
                .collect();
            let mut got = Vec::new();
            scanner(text.as_bytes(), &mut got);
            assert_eq!(got, want, "{id} on {text:?}");
        }
    }
}
