//! `crashy`: the fixture generator for crashscope.
//!
//! A small program that crashes on purpose through a few named functions and writes a
//! minidump of itself with the `minidump-writer` crate, the way an out-of-process crash
//! reporter does: `crashy dump` starts the app as a child; the app's signal handler (from
//! `crash-handler`) sends the crash context over a pipe and waits; the monitor
//! ptrace-dumps the crashed child with that context, then lets it go.
//!
//! Everything personal in the dump is fabricated (see `testdata/README.md`): the program
//! is run with `env -i` and a fake environment, from a fake home `/home/alice`, and it
//! plants fake personal data on its stack and heap so that crashscope has something to
//! find. Nothing here reads the real machine's identity.
//!
//! Usage: `crashy dump SCENARIO OUT.dmp` where SCENARIO is `segv` (null write on the main
//! thread, with worker threads) or `abort` (an abort on a named worker thread).

use std::sync::{Arc, Barrier, OnceLock};

use crash_handler::{make_crash_event, CrashContext, CrashEventResult, CrashHandler};
use minidump_writer::app_memory::AppMemory;
use minidump_writer::minidump_writer::MinidumpWriterConfig;
use minidump_writer::CrashContextExt;

/// Where the "heap" block with planted data lives, so the dump can carry it as app memory.
static HEAP: OnceLock<(usize, usize)> = OnceLock::new();
/// The app's ends of the pipes to the monitor: (context writer, ack reader).
static CTX_FDS: OnceLock<(i32, i32)> = OnceLock::new();

/// A heap block such as an application would hold: a settings record with personal data,
/// in UTF-8 and in UTF-16LE (as Windows-style APIs store strings), plus pointer-like noise.
fn plant_heap() -> Vec<u8> {
    let mut heap = Vec::with_capacity(4096);
    heap.extend_from_slice(&0x7f00_dead_beef_u64.to_le_bytes());
    heap.extend_from_slice(
        b"{\"account\":\"alice@example.com\",\"card\":\"4111 1111 1111 1111\",\
          \"iban\":\"DE89 3704 0044 0532 0130 00\",\"ssn\":\"123-45-6789\",\
          \"last_ip\":\"203.0.113.45\",\"wifi_mac\":\"00:1a:2b:3c:4d:5e\"}\0",
    );
    heap.extend_from_slice(&[0u8; 13]); // leave the UTF-16 text at an odd offset
    for unit in "C:\\Users\\alice\\AppData\\Roaming\\Crashy\\profile.ini".encode_utf16() {
        heap.extend_from_slice(&unit.to_le_bytes());
    }
    heap.extend_from_slice(&[0u8; 8]);
    heap.extend_from_slice(
        b"https://api.example.com/v1/upload?session=s3ss10n-7f9a2b&user=alice\0\
          -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAfakefakefakefakefakefakefakefake\n\
          -----END RSA PRIVATE KEY-----\n\0",
    );
    heap.resize(4096, 0);
    heap
}

#[inline(never)]
fn crash_here(document: &str) {
    // Strings a real program keeps on its stack just before it dies.
    let mut scratch = [0u8; 192];
    let auth = b"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWZha2U\0password=Tr0ub4dor&3-alice\0";
    scratch[..auth.len()].copy_from_slice(auth);
    std::hint::black_box(&mut scratch);
    std::hint::black_box(document);
    let target = std::hint::black_box(0x80usize) as *mut u32;
    // SAFETY: this is the crash: a write to an unmapped page near null.
    unsafe { target.write_volatile(42) };
}

#[inline(never)]
fn parse_document(path: &str) {
    let copy = format!("opening {path} for alice");
    crash_here(std::hint::black_box(&copy));
}

#[inline(never)]
fn load_profile(user: &str) {
    let path = format!("/home/{user}/Documents/taxes-2025.pdf");
    parse_document(&path);
}

#[inline(never)]
fn run_app() {
    load_profile(std::hint::black_box("alice"));
}

#[inline(never)]
fn abort_in_worker() {
    let note = String::from("worker saw token ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake0123");
    std::hint::black_box(&note);
    std::process::abort();
}

/// The monitor side: read the crashed child's context from the pipe and dump the child.
fn write_dump(child_pid: i32, context: &CrashContext, out: &str) -> Result<(), String> {
    let mut file = std::fs::File::create(out).map_err(|e| format!("create {out}: {e}"))?;
    let mut config = MinidumpWriterConfig::new(child_pid, context.tid);
    config.set_crash_context(CrashContextExt {
        inner: context.clone(),
    });
    let heap = HEAP.get().copied().unwrap_or((0, 0));
    if heap.0 != 0 {
        config.set_app_memory(vec![AppMemory {
            ptr: heap.0,
            length: heap.1,
        }]);
    }
    config
        .write(&mut file)
        .map(|_| ())
        .map_err(|e| format!("minidump-writer: {e}"))
}

fn pipe() -> (i32, i32) {
    let mut fds = [0i32; 2];
    // SAFETY: plain pipe(2) into a local array.
    let rc = unsafe { libc::pipe(fds.as_mut_ptr()) };
    assert_eq!(rc, 0, "pipe");
    (fds[0], fds[1])
}

fn read_exact_fd(fd: i32, buf: &mut [u8]) -> bool {
    let mut done = 0;
    while done < buf.len() {
        // SAFETY: reading into the unfilled tail of `buf`.
        let n = unsafe { libc::read(fd, buf[done..].as_mut_ptr().cast(), buf.len() - done) };
        if n <= 0 {
            return false;
        }
        done += n as usize;
    }
    true
}

/// `crashy dump SCENARIO OUT.dmp`: run the app as a child and write its minidump when it
/// crashes, as an out-of-process crash reporter does.
fn monitor(scenario: &str, out: &str) -> i32 {
    let (ctx_r, ctx_w) = pipe();
    let (ack_r, ack_w) = pipe();
    let exe = std::env::current_exe().expect("current exe");
    let mut child = std::process::Command::new(exe)
        .args([
            scenario,
            "--profile",
            "/home/alice/Documents/taxes-2025.pdf",
            "--user",
            "alice@example.com",
            "--fds",
            &format!("{ctx_w},{ack_r}"),
        ])
        .spawn()
        .expect("spawn the app");
    let mut bytes = vec![0u8; std::mem::size_of::<CrashContext>()];
    if !read_exact_fd(ctx_r, &mut bytes) {
        eprintln!("crashy: the app exited without crashing");
        let _ = child.wait();
        return 1;
    }
    // SAFETY: the same binary wrote these bytes from a `CrashContext` (plain C data).
    let context: CrashContext = unsafe { std::ptr::read_unaligned(bytes.as_ptr().cast()) };
    // The heap block's address comes from the child: it wrote it at fixed offset on start.
    let mut heap = [0u8; 16];
    if read_exact_fd(ctx_r, &mut heap) {
        let ptr = usize::from_le_bytes(heap[..8].try_into().unwrap());
        let len = usize::from_le_bytes(heap[8..].try_into().unwrap());
        let _ = HEAP.set((ptr, len));
    }
    let result = write_dump(child.id() as i32, &context, out);
    // SAFETY: one byte to the ack pipe; the child then exits.
    unsafe { libc::write(ack_w, [1u8].as_ptr().cast(), 1) };
    let _ = child.kill();
    let _ = child.wait();
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("crashy: {e}");
            1
        }
    }
}

/// The app side: crash in the chosen scenario, hand the context to the monitor, wait.
fn app(scenario: &str, fds: &str) {
    let (ctx_w, ack_r) = fds
        .split_once(',')
        .and_then(|(a, b)| Some((a.parse::<i32>().ok()?, b.parse::<i32>().ok()?)))
        .expect("--fds W,R");
    CTX_FDS.set((ctx_w, ack_r)).expect("set once");

    let heap = plant_heap();
    HEAP.set((heap.as_ptr() as usize, heap.len())).expect("set once");

    let handler = CrashHandler::attach(unsafe {
        make_crash_event(|context: &CrashContext| {
            let (ctx_w, ack_r) = *CTX_FDS.get().expect("fds");
            let (ptr, len) = *HEAP.get().expect("heap");
            let mut msg = [0u8; std::mem::size_of::<CrashContext>() + 16];
            let n = std::mem::size_of::<CrashContext>();
            // SAFETY: `CrashContext` is plain C data; copy its bytes for the monitor.
            std::ptr::copy_nonoverlapping(
                (context as *const CrashContext).cast::<u8>(),
                msg.as_mut_ptr(),
                n,
            );
            msg[n..n + 8].copy_from_slice(&ptr.to_le_bytes());
            msg[n + 8..].copy_from_slice(&len.to_le_bytes());
            libc::write(ctx_w, msg.as_ptr().cast(), msg.len());
            let mut ack = [0u8; 1];
            libc::read(ack_r, ack.as_mut_ptr().cast(), 1);
            CrashEventResult::Handled(true)
        })
    })
    .expect("attach crash handler");

    // Worker threads with names, parked so the dump has more than one stack.
    let ready = Arc::new(Barrier::new(3));
    let mut workers = Vec::new();
    for name in ["net-worker", "upload-alice"] {
        let ready = Arc::clone(&ready);
        let abort_here = scenario == "abort" && name == "upload-alice";
        workers.push(
            std::thread::Builder::new()
                .name(name.to_string())
                .spawn(move || {
                    ready.wait();
                    if abort_here {
                        abort_in_worker();
                    }
                    std::thread::sleep(std::time::Duration::from_secs(30));
                })
                .expect("spawn"),
        );
    }
    ready.wait();
    std::thread::sleep(std::time::Duration::from_millis(50));

    match scenario {
        "segv" => run_app(),
        _ => {
            for w in workers {
                let _ = w.join();
            }
        }
    }
    std::hint::black_box(&heap);
    drop(handler);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("dump") if args.len() == 4 => std::process::exit(monitor(&args[2], &args[3])),
        Some(scenario @ ("segv" | "abort")) if args.len() == 8 => app(scenario, &args[7]),
        _ => {
            eprintln!("usage: crashy dump segv|abort OUT.dmp");
            std::process::exit(2);
        }
    }
}
