//! Identifying data in the shapes real writers leave it, built with `minidump-synth`:
//! a Windows process environment block (UTF-16LE) in heap memory, with a user name that
//! holds a space; a Crashpad-shaped dump without an environ stream whose main stack ends
//! in `argv` and `envp`; an Unreal Engine crash context (UTF-16 XML in stream 0x10000).
//! Each planted value must be found with its category, at its field and its bytes.

use minidump_synth::{
    amd64_context, CrashpadInfo, DumpString, Memory, Module, SimpleStream, SynthMinidump,
    SystemInfo, Thread,
};
use serde_json::Value;
use test_assembler::{Endian, Section};

use crate::util::show_json;

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// Write `bytes` to a temporary dump and `show --json` it.
fn show(bytes: &[u8]) -> (Value, Vec<u8>) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("shape.dmp");
    std::fs::write(&path, bytes).unwrap();
    (show_json(&path, &[]), bytes.to_vec())
}

/// The finding of `rule` whose value is `value`, with its field path.
fn finding<'a>(doc: &'a Value, rule: &str, value: &str) -> &'a Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule && f["value"] == value)
        .unwrap_or_else(|| panic!("no {rule} finding of {value:?}"))
}

/// The finding of `rule` whose value is `value` in the field whose path ends with `field`.
fn finding_in<'a>(doc: &'a Value, rule: &str, value: &str, field: &str) -> &'a Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule && f["value"] == value && path_of(f).ends_with(field))
        .unwrap_or_else(|| panic!("no {rule} finding of {value:?} in {field}"))
}

/// The finding's bytes in the file decode to its value.
fn assert_bytes(file: &[u8], f: &Value) {
    let at = f["offset"].as_u64().unwrap() as usize;
    let len = f["length"].as_u64().unwrap() as usize;
    let value = f["value"].as_str().unwrap();
    let expected = match f["encoding"].as_str().unwrap() {
        "utf16le" => utf16(value),
        _ => value.as_bytes().to_vec(),
    };
    assert_eq!(&file[at..at + len], &expected[..], "bytes of {value:?}");
}

fn path_of(f: &Value) -> &str {
    f["location"]["path"].as_str().unwrap_or("")
}

fn windows_system() -> SystemInfo {
    // PROCESSOR_ARCHITECTURE_AMD64, VER_PLATFORM_WIN32_NT.
    SystemInfo::new(Endian::Little)
        .set_processor_architecture(9)
        .set_platform_id(2)
}

#[test]
fn a_windows_environment_block_in_the_heap() {
    let e = Endian::Little;
    // The block as `GetEnvironmentStringsW` lays it out, at an odd offset in a heap
    // region: hidden per-drive entries first, then NAME=value pairs, then an empty one.
    let mut heap = vec![0x90u8; 33];
    heap.extend(utf16(concat!(
        "=C:=C:\\Users\\Jane Doe\\source\0",
        "ALLUSERSPROFILE=C:\\ProgramData\0",
        "APPDATA=C:\\Users\\Jane Doe\\AppData\\Roaming\0",
        "CLIENTNAME=JANES-TABLET\0",
        "COMPUTERNAME=JANE-PC\0",
        "LOGONSERVER=\\\\CORP-DC-01\0",
        "OS=Windows_NT\0",
        "ProgramFiles(x86)=C:\\Program Files (x86)\0",
        "SESSIONNAME=Console\0",
        "SSH_AUTH_SOCK=\\\\.\\pipe\\openssh-ssh-agent\0",
        "STRIPE_SECRET_KEY=rk_fake_51Hx9Qb2eZvKYlo2C0aBcDeFgHiJ\0",
        "USERDOMAIN=CORP\0",
        "USERNAME=Jane Doe\0",
        "USERPROFILE=C:\\Users\\Jane Doe\0",
        "\0",
    )));
    heap.extend([0u8; 64]);
    let heap = Memory::with_section(Section::with_endian(e).append_bytes(&heap), 0x2a0_0000);
    let (doc, file) = show(
        &SynthMinidump::with_endian(e)
            .add_system_info(windows_system())
            .add_memory(heap)
            .finish()
            .unwrap(),
    );
    let user = finding(&doc, "env-user-name", "Jane Doe");
    assert_eq!(user["category"], "user-name");
    assert_eq!(user["encoding"], "utf16le");
    assert!(path_of(user).ends_with(".environ.USERNAME"), "{user}");
    assert_bytes(&file, user);
    for (name, host) in [
        ("COMPUTERNAME", "JANE-PC"),
        ("CLIENTNAME", "JANES-TABLET"),
        ("LOGONSERVER", "CORP-DC-01"),
        ("USERDOMAIN", "CORP"),
    ] {
        let f = finding(&doc, "env-host-name", host);
        assert_eq!(f["severity"], "medium");
        assert!(path_of(f).ends_with(&format!(".environ.{name}")), "{f}");
        assert_bytes(&file, f);
    }
    // The name with a space is found whole in paths too, and is the user's identity.
    let in_path = finding_in(&doc, "user-path", "Jane Doe", ".environ.APPDATA");
    assert_bytes(&file, in_path);
    let users = doc["identity"]["user_names"].as_array().unwrap();
    assert!(users.iter().any(|u| u == "Jane Doe"), "{users:?}");
    let hosts = doc["identity"]["host_names"].as_array().unwrap();
    for h in ["JANE-PC", "CORP-DC-01"] {
        assert!(hosts.iter().any(|x| x == h), "{h} not in {hosts:?}");
    }
    // A secret-named variable is a secret; a socket path and a session name are not.
    let secret = finding(&doc, "env-secret", "rk_fake_51Hx9Qb2eZvKYlo2C0aBcDeFgHiJ");
    assert_eq!(secret["severity"], "high");
    assert_bytes(&file, secret);
    let high: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "high")
        .collect();
    assert_eq!(high.len(), 1, "{high:?}");
    // The variables are in the inventory, so `show` lists them.
    let fields = doc["fields"].as_array().unwrap();
    assert!(fields
        .iter()
        .any(|f| f["name"] == "ProgramFiles(x86)" && f["value"] == "C:\\Program Files (x86)"));
}

#[test]
fn envp_on_a_crashpad_stack_without_an_environ_stream() {
    let e = Endian::Little;
    // The top of a Linux main thread's stack: argc/argv/envp pointers (binary), then the
    // argument and environment strings.
    let mut top = Vec::new();
    top.extend(0x7ffd_0000_1000u64.to_le_bytes());
    top.extend([0u8; 24]);
    top.extend(
        concat!(
            "/opt/notes/bin/notes\0--profile\0default\0",
            "HOME=/home/alice\0",
            "USER=alice\0",
            "XDG_SESSION_ID=c2\0",
            "GDMSESSION=ubuntu\0",
            "SSH_AUTH_SOCK=/tmp/ssh-XXXX/agent.42\0",
            "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus\0",
            "SESSION_MANAGER=local/alice-laptop:@/tmp/.ICE-unix/1234,unix/alice-laptop:/tmp/.ICE-unix/1234\0",
            "STRIPE_SECRET_KEY=rk_fake_4eC39HqLyjWDarjtT1zdp7dc\0",
            "TRAVIS_COMMIT=0123abcd\0",
            "/opt/notes/bin/notes\0",
        )
        .as_bytes(),
    );
    top.extend([0u8; 16]);
    let stack = Memory::with_section(Section::with_endian(e).append_bytes(&top), 0x7ffd_0000_0000);
    let context = amd64_context(e, 0x5555_0000_1234, 0x7ffd_0000_0000);
    let thread = Thread::new(e, 7, &stack, &context);
    let path = DumpString::new("/opt/notes/bin/notes", e);
    let module = Module::new(e, 0x5555_0000_0000, 0x10000, &path, 0, 0, None);
    let info = CrashpadInfo::new(e);
    let (doc, file) = show(
        &SynthMinidump::with_endian(e)
            .add_thread(thread)
            .add_memory(stack)
            .add(context)
            .add_module(module)
            .add(path)
            .add_crashpad_info(info)
            .add_system_info(SystemInfo::new(e).set_processor_architecture(9))
            .finish()
            .unwrap(),
    );
    let secret = finding(&doc, "env-secret", "rk_fake_4eC39HqLyjWDarjtT1zdp7dc");
    assert_eq!(secret["severity"], "high");
    assert_eq!(
        path_of(secret),
        "memory[stack:thread 7].environ.STRIPE_SECRET_KEY"
    );
    assert_bytes(&file, secret);
    let user = finding(&doc, "env-user-name", "alice");
    assert_eq!(path_of(user), "memory[stack:thread 7].environ.USER");
    let host = finding(&doc, "env-host-name", "alice-laptop");
    assert_eq!(
        path_of(host),
        "memory[stack:thread 7].environ.SESSION_MANAGER"
    );
    assert_bytes(&file, host);
    // Desktop-session variables are no secrets; the CI prefix is not the user `travis`.
    for f in doc["findings"].as_array().unwrap() {
        let p = path_of(f);
        if [
            "XDG_SESSION_ID",
            "GDMSESSION",
            "SSH_AUTH_SOCK",
            "DBUS_SESSION_BUS_ADDRESS",
        ]
        .iter()
        .any(|n| p.ends_with(&format!(".environ.{n}")))
        {
            assert_eq!(f["severity"], "low", "{f}");
        }
    }
    let hosts = doc["identity"]["host_names"].as_array().unwrap();
    assert!(hosts.iter().any(|h| h == "alice-laptop"), "{hosts:?}");
}

#[test]
fn an_unreal_crash_context_stream() {
    let e = Endian::Little;
    let xml = concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FGenericCrashContext>\n",
        "<RuntimeProperties>\n",
        "<CrashGUID>UE4CC-Windows-0123456789ABCDEF0123456789ABCDEF_0000</CrashGUID>\n",
        "<ProcessId>4242</ProcessId>\n",
        "<CommandLine>Shooter -epicusername=\"Jane Doe\" -epicuserid=00112233445566778899aabbccddeeff -AUTH_PASSWORD=fakeexchangecode0123</CommandLine>\n",
        "<UserName>jdoe</UserName>\n",
        "<BaseDir>C:/Users/jdoe/Games/Shooter/</BaseDir>\n",
        "<MachineId>A1B2C3D4E5F60718293A4B5C6D7E8F90</MachineId>\n",
        "<LoginId>a1b2c3d4e5f60718293a4b5c6d7e8f90</LoginId>\n",
        "<EpicAccountId>ffeeddccbbaa99887766554433221100</EpicAccountId>\n",
        "</RuntimeProperties>\n</FGenericCrashContext>\n",
    );
    let stream = SimpleStream {
        stream_type: 0x1_0000,
        section: Section::with_endian(e).append_bytes(&utf16(xml)),
    };
    let (doc, file) = show(
        &SynthMinidump::with_endian(e)
            .add_system_info(windows_system())
            .add_stream(stream)
            .finish()
            .unwrap(),
    );
    for (rule, value, element, category) in [
        (
            "install-id",
            "A1B2C3D4E5F60718293A4B5C6D7E8F90",
            "MachineId",
            "install-id",
        ),
        (
            "account-id",
            "a1b2c3d4e5f60718293a4b5c6d7e8f90",
            "LoginId",
            "account-id",
        ),
        (
            "account-id",
            "ffeeddccbbaa99887766554433221100",
            "EpicAccountId",
            "account-id",
        ),
        ("named-user-name", "jdoe", "UserName", "user-name"),
    ] {
        let f = finding(&doc, rule, value);
        assert_eq!(f["category"], category, "{f}");
        assert_eq!(path_of(f), format!("crash_context.{element}"));
        assert_eq!(f["encoding"], "utf16le");
        assert_bytes(&file, f);
    }
    // Inside the command line: the launch arguments.
    for (rule, value) in [
        ("launch-user-name", "Jane Doe"),
        ("account-id-assignment", "00112233445566778899aabbccddeeff"),
    ] {
        let f = finding(&doc, rule, value);
        assert_eq!(path_of(f), "crash_context.CommandLine", "{f}");
        assert_bytes(&file, f);
    }
    // The launcher's exchange code is a secret (the generic `password=` rule and the
    // launch rule find the same bytes; one finding is kept).
    let code = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["value"] == "fakeexchangecode0123")
        .expect("the exchange code");
    assert_eq!(
        (code["category"].as_str(), code["severity"].as_str()),
        (Some("secret"), Some("high"))
    );
    assert_bytes(&file, code);
    // A per-crash id identifies the crash, not the person.
    assert!(!doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| path_of(f) == "crash_context.CrashGUID" && f["severity"] != "low"));
    assert!(doc["identity"]["user_names"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u == "jdoe"));
}
