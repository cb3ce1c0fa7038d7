//! crashscope.toml parsing and checking, on arbitrary text.
#![no_main]

use crashscope::audit::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = std::env::temp_dir().join(format!("crashscope-fuzz-{}.toml", std::process::id()));
    if std::fs::write(&path, text).is_err() {
        return;
    }
    if let Ok(config) = Config::read(&path) {
        let _ = config.into_policy(&path, None);
    }
    let _ = crashscope::audit::glob(text);
    let _ = std::fs::remove_file(&path);
});
