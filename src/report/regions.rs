//! A dump's memory regions: stacks, heap and other memory, from the memory lists and the
//! thread list, with what each one is.

use super::*;

impl Report {
    /// Every memory region the dump carries: thread stacks, the memory list, the
    /// Memory64 list (full dumps). Stacks are named by their thread.
    pub(super) fn read_memory_regions(&mut self) -> Vec<MemoryRegion> {
        let mut stacks: BTreeMap<u64, u32> = BTreeMap::new();
        if let Ok(threads) = self.dump.get_stream::<MinidumpThreadList>() {
            for t in &threads.threads {
                stacks.insert(t.raw.stack.start_of_memory_range, t.raw.thread_id);
                self.claimed_stack_bytes += u64::from(t.raw.stack.memory.data_size);
            }
        }
        let heap_ranges = self.heap_ranges();
        let classify = |address: u64| -> (RegionKind, Option<u32>) {
            if let Some(&tid) = stacks.get(&address) {
                (RegionKind::Stack, Some(tid))
            } else if heap_ranges
                .iter()
                .any(|r| r.start <= address && address < r.end)
            {
                (RegionKind::Heap, None)
            } else {
                (RegionKind::Other, None)
            }
        };
        let mut regions = Vec::new();
        let mut push = |address: u64, size: u64, file_offset: u64| {
            let (kind, thread_id) = classify(address);
            regions.push(MemoryRegion {
                kind,
                thread_id,
                address,
                size,
                file_offset,
            });
        };
        let mut problems = Vec::new();
        match self.dump.get_stream::<MinidumpMemoryList>() {
            Ok(list) => {
                for m in list.iter() {
                    push(m.base_address, m.size, u64::from(m.desc.memory.rva));
                }
            }
            Err(minidump::Error::StreamNotFound) => {}
            Err(e) => problems.push(format!("the memory list could not be read: {e}")),
        }
        match self.dump.get_stream::<MinidumpMemory64List>() {
            Ok(list) => {
                for m in list.iter() {
                    push(m.base_address, m.size, self.offset_of(m.bytes).unwrap_or(0));
                }
            }
            Err(minidump::Error::StreamNotFound) => {}
            Err(e) => problems.push(format!("the Memory64 list could not be read: {e}")),
        }
        // A thread's stack whose descriptor points at bytes no memory list holds is a
        // region of its own: those bytes travel with the dump all the same.
        if let Ok(threads) = self.dump.get_stream::<MinidumpThreadList>() {
            for t in &threads.threads {
                let (rva, size) = (
                    u64::from(t.raw.stack.memory.rva),
                    u64::from(t.raw.stack.memory.data_size),
                );
                let held = regions
                    .iter()
                    .any(|r| r.file_offset <= rva && rva + size <= r.file_offset + r.size);
                if size > 0 && !held {
                    regions.push(MemoryRegion {
                        kind: RegionKind::Stack,
                        thread_id: Some(t.raw.thread_id),
                        address: t.raw.stack.start_of_memory_range,
                        size,
                        file_offset: rva,
                    });
                }
            }
        }
        // The parsed lists silently leave out ranges whose bytes are not in the file: check
        // the raw descriptors, so that memory the dump claims but does not hold is said.
        problems.extend(self.ranges_outside_the_file());
        problems.extend(self.unparsed_streams());
        // CPU contexts: every thread's, and the exception's (the registers at the crash).
        let mut contexts = Vec::new();
        if let Ok(threads) = self.dump.get_stream::<MinidumpThreadList>() {
            for t in &threads.threads {
                contexts.push((t.raw.thread_id, t.raw.thread_context));
            }
        }
        if let Ok(exception) = self.dump.get_stream::<MinidumpException>() {
            contexts.push((exception.raw.thread_id, exception.raw.thread_context));
        }
        for (thread_id, location) in contexts {
            if location.data_size > 0 {
                regions.push(MemoryRegion {
                    kind: RegionKind::Context,
                    thread_id: Some(thread_id),
                    address: 0,
                    size: u64::from(location.data_size),
                    file_offset: u64::from(location.rva),
                });
            }
        }
        self.problems
            .extend(problems.into_iter().map(Problem::Unreadable));
        regions
    }

    /// Address ranges that the dump's own memory maps call heap: `[heap]`, and anonymous
    /// writable mappings (where malloc puts large blocks and thread arenas).
    pub(super) fn heap_ranges(&self) -> Vec<std::ops::Range<u64>> {
        let Some(maps) = self.raw_stream(MINIDUMP_STREAM_TYPE::LinuxMaps) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for line in maps.split(|&b| b == b'\n') {
            let line = String::from_utf8_lossy(line);
            let mut parts = line.split_whitespace();
            let (Some(range), Some(perms)) = (parts.next(), parts.next()) else {
                continue;
            };
            let name = parts.nth(3).unwrap_or("");
            let anon_rw = name.is_empty() && perms.starts_with("rw");
            if name != "[heap]" && !anon_rw {
                continue;
            }
            if let Some((a, b)) = range.split_once('-') {
                if let (Ok(a), Ok(b)) = (u64::from_str_radix(a, 16), u64::from_str_radix(b, 16)) {
                    out.push(a..b);
                }
            }
        }
        out
    }
}
