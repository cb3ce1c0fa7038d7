
use builtin;
use str;

set edit:completion:arg-completer[crashscope] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'crashscope'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'crashscope'= {
            cand --color 'When to colour the output'
            cand --time-budget 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)'
            cand --json 'Print JSON instead of the human view (the same as `--format json`)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand --verbose 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Show a crash report: the crash, its stacks, modules, and everything the dump carries'
            cand list 'List the reports of a Crashpad database: states, sizes, upload attempts, retention'
            cand audit 'Fail a build when crash dumps hold personal data or secrets (a CI gate)'
            cand scrub 'Write a copy of a dump (or a whole Crashpad database) with identifying data removed, then prove the copy still works'
            cand rules 'List every rule: what it finds, its category and severity, and where it comes from'
            cand generate 'Write shell completions or man pages (used to build the files in the repository)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crashscope;show'= {
            cand --app 'A crash store that `crashscope list` (without a path) finds, by its app''s name (case-insensitive, a unique prefix is enough) or its number in that list'
            cand --report 'Only this report of a database (its id, or a unique prefix of it; repeatable)'
            cand --state 'Which reports of a database to show'
            cand --threads 'Which threads to print stacks for: the crashing (or requesting) thread, or all'
            cand --symbols-path 'A folder of Breakpad symbols in the layout `NAME/DEBUGID/NAME.sym` (repeatable)'
            cand --symbols-url 'An HTTP(S) symbol server serving `NAME/DEBUGID/NAME.sym` below this URL (repeatable)'
            cand --symbols-cache 'Where symbols downloaded from a server are cached'
            cand --symbols-timeout 'Give up on one symbol download after this many seconds (connecting, waiting and reading the whole file)'
            cand --symbols-max-size 'Refuse a symbol file larger than this many MiB from a server (it is neither kept nor cached; Breakpad files of the largest apps are near 1 GiB)'
            cand --format 'Output format. JSON is documented in docs/json.md and never coloured; HTML is one self-contained page (no scripts, nothing loaded from elsewhere)'
            cand -o 'Write the view to FILE (atomically; never over an input) instead of the terminal'
            cand --output 'Write the view to FILE (atomically; never over an input) instead of the terminal'
            cand --color 'When to colour the output'
            cand --time-budget 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)'
            cand --open 'Write the HTML page to a private temporary file and open it in the default browser (implies `--format html`)'
            cand --redact 'Show the view with every identifying value masked (`ali…(17 chars)`), wherever it appears: excerpts, headers, tables and, with `--format json`, every string'
            cand --no-pager 'Never page the human view (`PAGER=cat` does the same). On a terminal, a view taller than the screen goes through `$PAGER` (default `less -R`), as git does'
            cand --all 'Also mark and list low-severity findings (quasi-identifiers such as the OS build, locale, CPU, and every environment variable)'
            cand --detail 'Add the developer''s detail: the system, every loaded and unloaded module with its path, version, debug id and symbols, the dump''s streams and its byte map, each frame''s registers and how it was found, and possible bit flips'
            cand --brief 'Only the answer, the crash and the crashing thread''s first frames: a view that fits in 40 lines'
            cand --json 'Print JSON instead of the human view (the same as `--format json`)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand --verbose 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'crashscope;list'= {
            cand --format 'Output format. JSON is documented in docs/json.md'
            cand --color 'When to colour the output'
            cand --time-budget 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)'
            cand --json 'Print JSON instead of the human view (the same as `--format json`)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand --verbose 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'crashscope;audit'= {
            cand --app 'Also audit a crash store that `crashscope list` (without a path) finds, by its app''s name (case-insensitive, a unique prefix is enough) or its number in that list'
            cand --config 'The policy file (default: crashscope.toml in the current directory or a parent)'
            cand --fail-on 'Fail on findings of this severity or higher (default: the config''s, else medium)'
            cand --baseline 'An earlier `audit --format json` report: only findings not in it fail'
            cand --fingerprint-key 'Key fingerprints with the bytes of FILE (at least 16, kept outside the repository) instead of $CRASHSCOPE_FINGERPRINT_KEY. Without a key, fingerprints name a finding by rule, file and place only (docs/audit.md)'
            cand --pseudonym-key 'The key file given to `scrub --pseudonymize-key`: the pseudonyms that scrub wrote with it are recognised (by their keyed check) and do not fail'
            cand --format 'Output format. JSON, JSON Lines and SARIF are documented in docs/audit.md'
            cand -o 'Write the report to FILE (atomically, with the mode a new file gets under the umask) instead of stdout; `-` is stdout'
            cand --output 'Write the report to FILE (atomically, with the mode a new file gets under the umask) instead of stdout; `-` is stdout'
            cand --exclude 'Leave out files whose path matches GLOB (repeatable; `**/new/**`, `*.mdmp`), as `[[exclude]]` entries of the config do with a reason. They are counted, and a glob that matched nothing is a warning'
            cand --color 'When to colour the output'
            cand --time-budget 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)'
            cand --no-config 'Ignore any crashscope.toml'
            cand --show-values 'Print matched values instead of redacted previews (never do this in shared CI logs)'
            cand --exit-zero 'Exit 0 even when findings fail the policy (errors still exit 2)'
            cand --json 'Print JSON instead of the human view (the same as `--format json`)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand --verbose 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'crashscope;scrub'= {
            cand -o 'Where to write the copy: a file for a dump, a new directory for a database'
            cand --output 'Where to write the copy: a file for a dump, a new directory for a database'
            cand --min-severity 'Scrub findings of this severity or higher (default: the config''s fail-on, else medium)'
            cand --keep 'Categories to leave as they are, by id (comma-separated: user-name, host-name, email...; `crashscope rules` lists each rule''s category)'
            cand --drop 'Blank whole items while keeping the file valid (comma-separated)'
            cand --annotations-allow 'Keep only Crashpad annotations whose name matches one of these globs (`switch-*`), at process and module level; list annotations are dropped'
            cand --pseudonymize-key 'Replace user names, host names, e-mails and install ids with pseudonyms keyed by the bytes of FILE (at least 16): the same value always gets the same pseudonym'
            cand --config 'The policy file (default: crashscope.toml in the current directory or a parent)'
            cand --symbols-path 'A folder of Breakpad symbols in the layout `NAME/DEBUGID/NAME.sym` (repeatable)'
            cand --symbols-url 'An HTTP(S) symbol server serving `NAME/DEBUGID/NAME.sym` below this URL (repeatable)'
            cand --symbols-cache 'Where symbols downloaded from a server are cached'
            cand --symbols-timeout 'Give up on one symbol download after this many seconds (connecting, waiting and reading the whole file)'
            cand --symbols-max-size 'Refuse a symbol file larger than this many MiB from a server (it is neither kept nor cached; Breakpad files of the largest apps are near 1 GiB)'
            cand --format 'Output format of the summary. JSON is documented in docs/scrub.md'
            cand --color 'When to colour the output'
            cand --time-budget 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)'
            cand --deface-stacks 'Replace every stack word that is not small and points into no module or stack with 0x0defaced0defaced, as Crashpad''s sanitizer does'
            cand --skip-unreadable 'For a database: leave out of the copy the entries that could not be read (links, FIFOs, folders that cannot be listed) and name them, instead of refusing'
            cand --no-config 'Ignore any crashscope.toml'
            cand --json 'Print JSON instead of the human view (the same as `--format json`)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand --verbose 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'crashscope;rules'= {
            cand --format 'Output format: a table, JSON (docs/rules.md describes it), or the Markdown of docs/rules.md'
            cand --color 'When to colour the output'
            cand --time-budget 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)'
            cand --excluded 'List the upstream rules crashscope leaves out, each with the reason'
            cand --json 'Print JSON instead of the human view (the same as `--format json`)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand --verbose 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'crashscope;generate'= {
            cand --color 'When to colour the output'
            cand --time-budget 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)'
            cand --json 'Print JSON instead of the human view (the same as `--format json`)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand --verbose 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand completions 'Write a completion script for SHELL to stdout'
            cand man 'Write man pages (one per command) into DIR'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crashscope;generate;completions'= {
            cand --color 'When to colour the output'
            cand --time-budget 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)'
            cand --json 'Print JSON instead of the human view (the same as `--format json`)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand --verbose 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'crashscope;generate;man'= {
            cand --color 'When to colour the output'
            cand --time-budget 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)'
            cand --json 'Print JSON instead of the human view (the same as `--format json`)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand --verbose 'Print more diagnostics on stderr (symbol lookups, skipped data)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'crashscope;generate;help'= {
            cand completions 'Write a completion script for SHELL to stdout'
            cand man 'Write man pages (one per command) into DIR'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crashscope;generate;help;completions'= {
        }
        &'crashscope;generate;help;man'= {
        }
        &'crashscope;generate;help;help'= {
        }
        &'crashscope;help'= {
            cand show 'Show a crash report: the crash, its stacks, modules, and everything the dump carries'
            cand list 'List the reports of a Crashpad database: states, sizes, upload attempts, retention'
            cand audit 'Fail a build when crash dumps hold personal data or secrets (a CI gate)'
            cand scrub 'Write a copy of a dump (or a whole Crashpad database) with identifying data removed, then prove the copy still works'
            cand rules 'List every rule: what it finds, its category and severity, and where it comes from'
            cand generate 'Write shell completions or man pages (used to build the files in the repository)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crashscope;help;show'= {
        }
        &'crashscope;help;list'= {
        }
        &'crashscope;help;audit'= {
        }
        &'crashscope;help;scrub'= {
        }
        &'crashscope;help;rules'= {
        }
        &'crashscope;help;generate'= {
            cand completions 'Write a completion script for SHELL to stdout'
            cand man 'Write man pages (one per command) into DIR'
        }
        &'crashscope;help;generate;completions'= {
        }
        &'crashscope;help;generate;man'= {
        }
        &'crashscope;help;help'= {
        }
    ]
    $completions[$command]
}
