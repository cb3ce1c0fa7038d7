//! The literals every match of a pattern holds: used at build time to give each upstream
//! rule a check that its regex can match in a text before the regex is built or run
//! (and tested by the library, which includes this file).
//!
//! The answer is a list of sets of lower-case literals: every match holds, for each set,
//! one of its literals, ignoring ASCII case. So a window of text (lowered) that lacks
//! every literal of one set cannot hold a match. Nosey Parker's ODBC rule is called for
//! by the keyword `pwd`, which every Linux environment's `PWD=` holds, but its pattern
//! also needs `user` or `uid`, `=` and `;`.

use regex_syntax::hir::{Class, Hir, HirKind};

/// A set with more literals than this is dropped (it would cost a search each, and
/// dropping a set only weakens the check).
const MAX_SET: usize = 16;

/// The literal sets every match of `hir` holds (empty: nothing is known).
pub fn required(hir: &Hir) -> Vec<Vec<Vec<u8>>> {
    let mut sets = match hir.kind() {
        HirKind::Concat(items) => concat_sets(items),
        HirKind::Capture(c) => required(&c.sub),
        _ => one(hir).into_iter().collect(),
    };
    for set in &mut sets {
        set.sort();
        set.dedup();
    }
    // A set of many single bytes (a class: `[0-9a-f]`) is nearly always there: dropped.
    sets.retain(|s| {
        !s.is_empty()
            && s.len() <= MAX_SET
            && s.iter().all(|l| !l.is_empty())
            && !(s.len() > 2 && s.iter().all(|l| l.len() == 1))
    });
    sets.sort();
    sets.dedup();
    sets
}

/// The bytes `class` matches, lowered and deduplicated, when there are at most
/// [`MAX_SET`] of them (ASCII letters count once for both cases).
fn bytes_of(class: &Class) -> Option<Vec<u8>> {
    let mut bytes: Vec<u8> = match class {
        Class::Bytes(c) => {
            let count: usize = c
                .ranges()
                .iter()
                .map(|r| usize::from(r.end() - r.start()) + 1)
                .sum();
            if count > 2 * MAX_SET {
                return None;
            }
            c.ranges()
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .collect()
        }
        Class::Unicode(c) => {
            let count: u32 = c
                .ranges()
                .iter()
                .map(|r| r.end() as u32 - r.start() as u32 + 1)
                .sum();
            if count > 2 * MAX_SET as u32 {
                return None;
            }
            c.ranges()
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .map(|ch| u8::try_from(u32::from(ch)).ok())
                .collect::<Option<Vec<u8>>>()?
        }
    };
    for b in &mut bytes {
        *b = b.to_ascii_lowercase();
    }
    bytes.sort_unstable();
    bytes.dedup();
    (bytes.len() <= MAX_SET).then_some(bytes)
}

/// Every literal one of `a` then one of `b` makes, if there are at most [`MAX_SET`].
fn product(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len() * b.len() > MAX_SET {
        return None;
    }
    Some(
        a.iter()
            .flat_map(|x| b.iter().map(move |y| [x.as_slice(), y].concat()))
            .collect(),
    )
}

/// The few literals `hir` matches exactly, one of them whole (ASCII case aside), lowered.
fn exact(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Empty => Some(vec![Vec::new()]),
        HirKind::Literal(l) => Some(vec![l.0.to_ascii_lowercase()]),
        HirKind::Class(c) => Some(bytes_of(c)?.into_iter().map(|b| vec![b]).collect()),
        HirKind::Capture(c) => exact(&c.sub),
        HirKind::Concat(items) => items
            .iter()
            .try_fold(vec![Vec::new()], |acc, item| product(&acc, &exact(item)?)),
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for a in alts {
                all.extend(exact(a)?);
            }
            (all.len() <= MAX_SET).then_some(all)
        }
        _ => None,
    }
}

/// A set is worth keeping when none of its literals is empty.
fn useful(set: Vec<Vec<u8>>) -> Option<Vec<Vec<u8>>> {
    (!set.is_empty() && set.iter().all(|l| !l.is_empty())).then_some(set)
}

/// One literal set every match of `hir` holds.
fn one(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    if let Some(set) = exact(hir).and_then(useful) {
        return Some(set);
    }
    match hir.kind() {
        HirKind::Capture(c) => one(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => one(&r.sub),
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for a in alts {
                all.extend(one(a)?);
            }
            (all.len() <= MAX_SET).then_some(all)
        }
        // Of a concatenation's sets, the one whose shortest literal is longest.
        HirKind::Concat(items) => concat_sets(items)
            .into_iter()
            .max_by_key(|s| s.iter().map(Vec::len).min().unwrap_or(0)),
        _ => None,
    }
}

/// The sets of a concatenation: runs of exact items joined into literals (one of each
/// item's literals after another), and each other item's set.
fn concat_sets(items: &[Hir]) -> Vec<Vec<Vec<u8>>> {
    let mut sets = Vec::new();
    let mut run: Vec<Vec<u8>> = vec![Vec::new()];
    for item in items {
        match exact(item) {
            Some(lits) => match product(&run, &lits) {
                Some(longer) => run = longer,
                None => {
                    sets.extend(useful(std::mem::replace(&mut run, lits)));
                }
            },
            None => {
                sets.extend(useful(std::mem::replace(&mut run, vec![Vec::new()])));
                sets.extend(one(item));
            }
        }
    }
    sets.extend(useful(run));
    sets
}
