//! Memory in pieces: regions joined where they continue one another, cut into pieces
//! with an overlap, scanned on every core when there is a lot of it.

use super::*;

/// Regions longer than this are cut into pieces of this size, scanned in parallel.
pub const PIECE: u64 = 8 << 20;
/// Bytes of context read on each side of a cut, so that text crossing it is seen whole
/// (runs of text longer than this across a cut may be reported differently).
pub const OVERLAP: u64 = 64 << 10;
/// Below this many bytes of memory in total, one thread scans everything: starting
/// threads is not worth it for less.
pub const PARALLEL_FROM: u64 = 2 << 20;
/// Below this many bytes in total, pieces are [`SMALL_PIECE`] long, so that every core
/// gets some of a dense heap of a few MiB.
pub const SMALL_FROM: u64 = 32 << 20;

/// A piece of work: scan `window`, keep findings that start in `keep`.
pub(super) struct Piece {
    window: Region,
    keep: std::ops::Range<u64>,
}

/// The piece size for less than [`SMALL_FROM`] bytes of memory.
pub const SMALL_PIECE: u64 = 1 << 20;

/// Cut every region into pieces of at most `size` bytes plus overlap.
pub(super) fn pieces_of(regions: &[Region], size: u64) -> Vec<Piece> {
    let mut out = Vec::new();
    for r in regions {
        if r.len <= size {
            out.push(Piece {
                window: r.clone(),
                keep: r.file_offset..r.file_offset + r.len,
            });
            continue;
        }
        let mut at = 0;
        while at < r.len {
            let end = (at + size).min(r.len);
            let ws = at.saturating_sub(OVERLAP);
            let we = (end + OVERLAP).min(r.len);
            let mut window = r.clone();
            window.file_offset = r.file_offset + ws;
            window.address = r.address.wrapping_add(ws);
            window.len = we - ws;
            out.push(Piece {
                window,
                keep: r.file_offset + at..r.file_offset + end,
            });
            at = end;
        }
    }
    out
}

/// Scan every region (all rules, or identities only), on every core when there is a lot
/// of memory. `release(offset, len)` is called once a piece's bytes are no longer needed
/// (a memory-mapped file drops those pages, so a 1 GiB dump never becomes 1 GiB of
/// resident memory). Findings come in region order, as from one sequential pass.
///
/// Past `deadline` no more pieces are scanned: the bytes left out are returned with the
/// findings (the caller says so; nothing is silently skipped).
pub fn scan_regions(
    file: &[u8],
    regions: &[Region],
    matcher: &IdentityMatcher,
    values: bool,
    release: &(dyn Fn(u64, u64) + Sync),
    deadline: Option<Deadline>,
    cache: Option<&crate::pii::MatchCache>,
) -> Scanned {
    let total: u64 = regions.iter().map(|r| r.len).sum();
    let windows = coalesce(regions);
    let pieces = pieces_of(
        &windows,
        if total < SMALL_FROM {
            SMALL_PIECE
        } else {
            PIECE
        },
    );
    let skipped = std::sync::atomic::AtomicU64::new(0);
    // Each piece's findings and fields; collected in piece order (rayon keeps the order
    // of an indexed iterator), they are exactly what one thread scanning region after
    // region would report.
    let work = |piece: &Piece| {
        scan_piece(
            file, piece, matcher, values, deadline, &skipped, release, cache,
        )
    };
    let done: Vec<(Vec<Finding>, Vec<Field>)> = if total >= PARALLEL_FROM {
        use rayon::prelude::*;
        pieces.par_iter().filter_map(work).collect()
    } else {
        pieces.iter().filter_map(work).collect()
    };
    let mut out = Scanned {
        skipped: skipped.into_inner(),
        ..Scanned::default()
    };
    for (found, fields) in done {
        out.findings.extend(found);
        out.fields.extend(fields);
    }
    if windows.len() < regions.len() {
        relabel(&mut out.findings, regions);
    }
    out
}

/// One piece: its findings and fields (those that start in its `keep` range), or `None`
/// when it holds none or the deadline passed (its bytes are then added to `skipped`).
#[allow(clippy::too_many_arguments)]
pub(super) fn scan_piece(
    file: &[u8],
    piece: &Piece,
    matcher: &IdentityMatcher,
    values: bool,
    deadline: Option<Deadline>,
    skipped: &std::sync::atomic::AtomicU64,
    release: &(dyn Fn(u64, u64) + Sync),
    cache: Option<&crate::pii::MatchCache>,
) -> Option<(Vec<Finding>, Vec<Field>)> {
    if deadline.is_some_and(|d| d.passed()) {
        let len = piece.keep.end - piece.keep.start;
        skipped.fetch_add(len, std::sync::atomic::Ordering::Relaxed);
        return None;
    }
    let mut local = Vec::new();
    let mut fields = Vec::new();
    scan(
        file,
        &piece.window,
        matcher,
        &mut local,
        values.then_some(&mut fields),
        values,
        cache,
    );
    local.retain(|f| piece.keep.contains(&f.offset));
    fields.retain(|f| piece.keep.contains(&f.origin.offset));
    if piece.window.len >= 4096 {
        // Rounded out to 2 MiB: the kernel maps page-cache folios of up to that size
        // around every access, beyond the bytes asked for.
        const FOLIO: u64 = 2 << 20;
        let start = piece.window.file_offset / FOLIO * FOLIO;
        let end = (piece.window.file_offset + piece.window.len).div_ceil(FOLIO) * FOLIO;
        release(start, end - start);
    }
    (!local.is_empty() || !fields.is_empty()).then_some((local, fields))
}

/// Regions that continue one another both in the process's address space and in the
/// file are scanned as one, so text that crosses from one into the next (a string split
/// by a change of page protection) is read whole. Streams, annotations and CPU contexts
/// are never joined.
pub(super) fn coalesce(regions: &[Region]) -> Vec<Region> {
    let plain = |r: &Region| r.name.is_none() && r.kind != crate::report::RegionKind::Context;
    let mut out: Vec<Region> = Vec::with_capacity(regions.len());
    for r in regions {
        if let Some(last) = out.last_mut() {
            let continues = plain(last)
                && plain(r)
                && last.address.checked_add(last.len) == Some(r.address)
                && last.file_offset.checked_add(last.len) == Some(r.file_offset);
            if continues {
                last.len += r.len;
                continue;
            }
        }
        out.push(r.clone());
    }
    out
}

/// Give each memory finding of a joined window the region that really holds its first
/// byte (its kind, thread and address), as if the regions had been scanned apart.
pub(super) fn relabel(findings: &mut [Finding], regions: &[Region]) {
    let mut by_offset: Vec<&Region> = regions.iter().filter(|r| r.len > 0).collect();
    by_offset.sort_by_key(|r| r.file_offset);
    for f in findings {
        let crate::pii::Location::Memory { excerpt, .. } = &mut f.location else {
            continue;
        };
        let at = by_offset.partition_point(|r| r.file_offset <= f.offset);
        let Some(region) = at.checked_sub(1).map(|i| by_offset[i]) else {
            continue;
        };
        if f.offset < region.file_offset + region.len {
            let excerpt = std::mem::take(excerpt);
            let address = region.address.wrapping_add(f.offset - region.file_offset);
            f.location = memory_location(region, address, excerpt);
        }
    }
}
