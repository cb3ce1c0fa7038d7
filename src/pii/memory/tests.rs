//! Tests of the memory scan: runs, identities, joined regions, pieces.

use super::*;

/// A region of `len` bytes at file offset 0 and `address`, for the tests.
fn test_region(kind: crate::report::RegionKind, address: u64, len: usize) -> Region {
    Region {
        kind,
        thread_id: None,
        address,
        file_offset: 0,
        len: len as u64,
        name: None,
    }
}

mod scan_tests {
    use super::*;
    use crate::report::RegionKind;

    fn region(len: usize) -> Region {
        Region {
            kind: RegionKind::Heap,
            thread_id: None,
            address: 0x1000,
            file_offset: 0,
            len: len as u64,
            name: None,
        }
    }

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }

    #[test]
    fn odd_aligned_utf16_email_is_found() {
        let mut mem = vec![0u8; 33]; // odd: the text starts at offset 33
        mem.extend(utf16("mail alice@example.com now"));
        mem.extend([0u8; 7]);
        let mut found = Vec::new();
        let matcher = IdentityMatcher::new(&Identity::default());
        scan_region(
            &mem,
            &region(mem.len()),
            &matcher,
            &mut found,
            &mut Vec::new(),
        );
        let email = found.iter().find(|f| f.rule == "email").expect("found");
        assert_eq!(email.value, "alice@example.com");
        assert_eq!(email.encoding, Encoding::Utf16le);
        assert_eq!(email.offset, 33 + 2 * 5);
        assert_eq!(email.length, 2 * 17);
        assert_eq!(&mem[email.offset as usize..][..2], b"a\0");
        match &email.location {
            crate::pii::Location::Memory {
                address, excerpt, ..
            } => {
                assert_eq!(*address, 0x1000 + 33 + 10);
                assert!(excerpt.contains("mail alice@example.com now"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn identities_are_whole_words_in_both_encodings() {
        let mut mem = b"xx started USER=Ted\0".to_vec();
        mem.extend(utf16("/Users/ted/x"));
        let id = Identity {
            user_names: ["ted".to_string()].into(),
            host_names: Default::default(),
            ..Default::default()
        };
        let mut found = Vec::new();
        scan_region_identities_only(
            &mem,
            &region(mem.len()),
            &IdentityMatcher::new(&id),
            &mut found,
        );
        let hits: Vec<(&str, Encoding)> = found
            .iter()
            .map(|f| (f.value.as_str(), f.encoding))
            .collect();
        assert_eq!(
            hits,
            vec![("Ted", Encoding::Utf8), ("ted", Encoding::Utf16le)]
        );
    }
}

mod key_tests {
    use super::*;
    use crate::report::RegionKind;

    fn keys(mem: &[u8]) -> Vec<Finding> {
        let region = test_region(RegionKind::Heap, 0, mem.len());
        let mut found = Vec::new();
        let matcher = IdentityMatcher::new(&Identity::default());
        scan_region(mem, &region, &matcher, &mut found, &mut Vec::new());
        found.retain(|f| f.rule == "private-key");
        found
    }

    /// A key block is one finding across its line breaks, to its END line, in UTF-8 and
    /// in UTF-16LE at an odd offset; without an END line, to where the key text stops.
    #[test]
    fn a_key_is_one_finding_from_begin_to_end() {
        let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\r\nQyNTUxOQAAACB=\n-----END OPENSSH PRIVATE KEY-----";
        let mut mem = vec![0u8; 9];
        mem.extend(key.as_bytes());
        mem.extend(b"\n\0\x01\x02");
        let found = keys(&mem);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].offset, found[0].value.as_str()), (9, key));
        assert_eq!(found[0].length as usize, key.len());

        let mut wide = vec![0u8; 7];
        wide.extend(key.encode_utf16().flat_map(u16::to_le_bytes));
        wide.extend([0u8; 4]);
        let found = keys(&wide);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].encoding, Encoding::Utf16le);
        assert_eq!(found[0].length as usize, 2 * key.len());
        assert_eq!(found[0].value, key);

        let cut = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGX1abcd\nEEE=";
        let mut mem = cut.as_bytes().to_vec();
        mem.extend(b"\0\0garbage");
        let found = keys(&mem);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, cut);
        assert_eq!(rules::RULES[rules::PRIVATE_KEY].id, "private-key");
    }
}

mod join_tests {
    use super::*;
    use crate::report::RegionKind;

    /// An e-mail split across two regions that continue one another (in address and in
    /// the file) is found whole, placed in the region that holds its first byte; regions
    /// that only touch in the file are not joined.
    #[test]
    fn text_across_adjacent_regions_is_read_whole() {
        let mut mem = vec![0u8; 64];
        mem.extend(b"mail carol.jones@exam");
        let cut = mem.len();
        mem.extend(b"ple.org now\0");
        mem.extend([0u8; 64]);
        let region = |kind, address: u64, file_offset: usize, len: usize| Region {
            kind,
            thread_id: None,
            address,
            file_offset: file_offset as u64,
            len: len as u64,
            name: None,
        };
        let matcher = IdentityMatcher::new(&Identity::default());
        let scan = |regions: &[Region]| {
            scan_regions(&mem, regions, &matcher, true, &|_, _| {}, None, None)
                .findings
                .into_iter()
                .filter(|f| f.rule == "email")
                .collect::<Vec<_>>()
        };
        let joined = [
            region(RegionKind::Heap, 0x1000, 0, cut),
            region(RegionKind::Other, 0x1000 + cut as u64, cut, mem.len() - cut),
        ];
        let found = scan(&joined);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, "carol.jones@example.org");
        match &found[0].location {
            crate::pii::Location::Memory {
                region, address, ..
            } => {
                assert_eq!(region, "heap");
                assert_eq!(*address, 0x1000 + 64 + 5);
            }
            other => panic!("{other:?}"),
        }
        // Not continuous in the address space: two texts, no e-mail.
        let apart = [
            region(RegionKind::Heap, 0x1000, 0, cut),
            region(RegionKind::Heap, 0x9000, cut, mem.len() - cut),
        ];
        assert!(scan(&apart).is_empty());
    }
}

mod raw_name_tests {
    use super::*;
    use crate::report::RegionKind;

    /// Names with non-ASCII letters, revealed by a field, are found in memory in both
    /// encodings at any alignment, as whole words only.
    /// Names outside ASCII are found in any case: `ИВАН` and `иван` for `Иван`, `JÜRGEN`
    /// for `Jürgen`, in raw memory (both encodings) and in text.
    #[test]
    fn non_ascii_names_are_found_in_any_case() {
        let mut mem = vec![1u8; 5];
        mem.extend("ИВАН".encode_utf16().flat_map(u16::to_le_bytes));
        mem.extend(b"\0\0\x01");
        mem.extend("иван".as_bytes());
        mem.extend(b"\0");
        mem.extend("JÜRGEN".as_bytes());
        mem.extend(b"\0\0");
        let id = Identity {
            user_names: ["Иван".to_string(), "Jürgen".to_string()].into(),
            ..Default::default()
        };
        let matcher = IdentityMatcher::new(&id);
        let region = test_region(RegionKind::Heap, 0x1000, mem.len());
        let mut found = Vec::new();
        scan_region_identities_only(&mem, &region, &matcher, &mut found);
        let mut values: Vec<&str> = found.iter().map(|f| f.value.as_str()).collect();
        values.sort_unstable();
        assert_eq!(values, ["JÜRGEN", "ИВАН", "иван"], "{found:?}");
        let text = "user ИВАН logged in";
        assert_eq!(matcher.find_in_text(text), [(5, 5 + "ИВАН".len(), false)]);
    }

    #[test]
    fn non_ascii_names_are_found_in_raw_memory() {
        let mut mem = vec![1u8; 7];
        mem.extend(
            "C:\\Users\\Jürgen\\AppData"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        mem.extend(b"\0/home/J\xc3\xbcrgen/x\0J\xc3\xbcrgenx\0\0\0");
        mem.extend("Иван".encode_utf16().flat_map(u16::to_le_bytes));
        let id = Identity {
            user_names: ["Jürgen".to_string(), "Иван".to_string()].into(),
            host_names: Default::default(),
            ..Default::default()
        };
        let region = test_region(RegionKind::Heap, 0x1000, mem.len());
        let mut found = Vec::new();
        scan_region_identities_only(&mem, &region, &IdentityMatcher::new(&id), &mut found);
        let mut hits: Vec<(&str, Encoding, u64)> = found
            .iter()
            .map(|f| (f.value.as_str(), f.encoding, f.offset))
            .collect();
        hits.sort_by_key(|h| h.2);
        assert_eq!(hits.len(), 3, "{hits:?}");
        assert_eq!(hits[0], ("Jürgen", Encoding::Utf16le, 7 + 2 * 9));
        assert_eq!(hits[1].1, Encoding::Utf8);
        assert_eq!(hits[2].0, "Иван");
        for f in &found {
            let bytes = &mem[f.offset as usize..(f.offset + f.length) as usize];
            let text = match f.encoding {
                Encoding::Utf16le => String::from_utf16_lossy(
                    &bytes
                        .chunks(2)
                        .map(|c| u16::from_le_bytes([c[0], c[1]]))
                        .collect::<Vec<_>>(),
                ),
                _ => String::from_utf8_lossy(bytes).into_owned(),
            };
            assert_eq!(text, f.value);
        }
    }
}

mod piece_tests {
    use super::*;
    use crate::report::RegionKind;

    /// Cutting a large region into pieces scanned on several threads reports exactly
    /// what one pass over the whole region reports, in the same order: values that
    /// straddle a cut are found once, with the same excerpt.
    #[test]
    fn pieces_report_what_one_pass_reports() {
        let len = 5 * PIECE as usize + 1234; // more than PARALLEL_FROM: several threads
        let mut bytes = vec![0u8; len];
        let plant = |bytes: &mut Vec<u8>, at: usize, text: &str, wide: bool| {
            let data: Vec<u8> = if wide {
                text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
            } else {
                text.as_bytes().to_vec()
            };
            bytes[at..at + data.len()].copy_from_slice(&data);
        };
        for cut in 1..5 {
            let c = cut * PIECE as usize;
            // Straddling the cut: ASCII at odd cuts, UTF-16 (at an odd offset) at even.
            if cut % 2 == 1 {
                plant(&mut bytes, c - 9, "mail carol@example.org now", false);
            } else {
                plant(&mut bytes, c - 21, "user dave@example.net!", true);
            }
            plant(&mut bytes, c + 300, "ip 198.51.100.23 x", false);
        }
        plant(&mut bytes, 17, "first eve@example.com", false);
        let region = Region {
            kind: RegionKind::Heap,
            thread_id: None,
            address: 0x10_0000,
            file_offset: 0,
            len: len as u64,
            name: None,
        };
        let matcher = IdentityMatcher::new(&Identity::default());
        let mut whole = Vec::new();
        scan_region(&bytes, &region, &matcher, &mut whole, &mut Vec::new());
        let released = std::sync::Mutex::new(0u64);
        let one = |release: &(dyn Fn(u64, u64) + Sync), deadline| {
            let region = std::slice::from_ref(&region);
            let s = scan_regions(&bytes, region, &matcher, true, release, deadline, None);
            (s.findings, s.skipped)
        };
        let (cut, skipped) = one(&|_, n| *released.lock().unwrap() += n, None);
        assert_eq!(skipped, 0);
        // Past the deadline nothing more is scanned, and every byte left out is counted.
        let gone = crate::budget::Budget(std::time::Duration::from_nanos(1)).start();
        std::thread::sleep(std::time::Duration::from_millis(1));
        let (none, skipped) = one(&|_, _| {}, Some(gone));
        assert!(none.is_empty());
        assert_eq!(skipped, len as u64);
        let key = |f: &Finding| (f.offset, f.length, f.rule, f.location.clone());
        assert_eq!(
            cut.iter().map(key).collect::<Vec<_>>(),
            whole.iter().map(key).collect::<Vec<_>>()
        );
        assert_eq!(whole.iter().filter(|f| f.rule == "email").count(), 5);
        assert_eq!(whole.iter().filter(|f| f.rule == "ipv4").count(), 4);
        assert!(
            *released.lock().unwrap() >= len as u64,
            "every piece released"
        );
    }
}

mod run_tests {
    use super::*;

    /// The block-skipping extractor finds exactly the runs a plain byte-by-byte scan finds.
    fn naive(bytes: &[u8], min: usize) -> Vec<(usize, String, bool)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            while i < bytes.len() && TEXT[bytes[i] as usize] {
                i += 1;
            }
            if i - start >= min {
                out.push((
                    start,
                    String::from_utf8(bytes[start..i].to_vec()).unwrap(),
                    false,
                ));
            }
            i = i.max(start + 1);
        }
        for align in 0..2 {
            let mut i = align;
            while i + 1 < bytes.len() {
                let start = i;
                let mut s = String::new();
                while i + 1 < bytes.len() && bytes[i + 1] == 0 && TEXT[bytes[i] as usize] {
                    s.push(bytes[i] as char);
                    i += 2;
                }
                if s.len() >= min {
                    out.push((start, s, true));
                }
                i = i.max(start + 2);
            }
        }
        out.sort();
        out
    }

    #[test]
    fn masks_match_the_byte_table() {
        let all: Vec<u8> = (0..=255u8).collect();
        for chunk in all.chunks(64).chain([&all[3..40], &all[250..]]) {
            let (text, zero) = masks(chunk);
            for (k, &b) in chunk.iter().enumerate() {
                assert_eq!(text >> k & 1 == 1, TEXT[b as usize], "text bit for {b:#x}");
                assert_eq!(zero >> k & 1 == 1, b == 0, "zero bit for {b:#x}");
            }
            assert_eq!(
                text >> chunk.len().min(63) >> 1,
                0,
                "no bits past the chunk"
            );
        }
    }

    #[test]
    fn block_skipping_finds_every_run() {
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        for round in 0..300 {
            let len = 1 + (round * 37) % 700;
            let mut bytes = Vec::with_capacity(len);
            while bytes.len() < len {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                match rng % 6 {
                    0 => bytes.extend(std::iter::repeat_n(0u8, (rng >> 8) as usize % 80)),
                    1 => bytes.extend(b"hello world"),
                    2 => bytes.extend("wide text".encode_utf16().flat_map(|u| u.to_le_bytes())),
                    3 => bytes.push((rng >> 16) as u8),
                    4 => bytes.extend(b"abcd"),
                    _ => bytes.extend(&rng.to_le_bytes()),
                }
            }
            bytes.truncate(len);
            let mut got = Vec::new();
            for_each_run(&bytes, MIN_RUN, |o, t, w| got.push((o, t.to_string(), w)));
            got.sort();
            assert_eq!(got, naive(&bytes, MIN_RUN), "round {round}");
        }
    }
}
