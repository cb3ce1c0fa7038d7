
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'crashscope' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'crashscope'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'crashscope' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--time-budget', '--time-budget', [CompletionResultType]::ParameterName, 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of the human view (the same as `--format json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a crash report: the crash, its stacks, modules, and everything the dump carries')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the reports of a Crashpad database: states, sizes, upload attempts, retention')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Fail a build when crash dumps hold personal data or secrets (a CI gate)')
            [CompletionResult]::new('scrub', 'scrub', [CompletionResultType]::ParameterValue, 'Write a copy of a dump (or a whole Crashpad database) with identifying data removed, then prove the copy still works')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List every rule: what it finds, its category and severity, and where it comes from')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions or man pages (used to build the files in the repository)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crashscope;show' {
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'A crash store that `crashscope list` (without a path) finds, by its app''s name (case-insensitive, a unique prefix is enough) or its number in that list')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Only this report of a database (its id, or a unique prefix of it; repeatable)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Which reports of a database to show')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Which threads to print stacks for: the crashing (or requesting) thread, or all')
            [CompletionResult]::new('--symbols-path', '--symbols-path', [CompletionResultType]::ParameterName, 'A folder of Breakpad symbols in the layout `NAME/DEBUGID/NAME.sym` (repeatable)')
            [CompletionResult]::new('--symbols-url', '--symbols-url', [CompletionResultType]::ParameterName, 'An HTTP(S) symbol server serving `NAME/DEBUGID/NAME.sym` below this URL (repeatable)')
            [CompletionResult]::new('--symbols-cache', '--symbols-cache', [CompletionResultType]::ParameterName, 'Where symbols downloaded from a server are cached')
            [CompletionResult]::new('--symbols-timeout', '--symbols-timeout', [CompletionResultType]::ParameterName, 'Give up on one symbol download after this many seconds (connecting, waiting and reading the whole file)')
            [CompletionResult]::new('--symbols-max-size', '--symbols-max-size', [CompletionResultType]::ParameterName, 'Refuse a symbol file larger than this many MiB from a server (it is neither kept nor cached; Breakpad files of the largest apps are near 1 GiB)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format. JSON is documented in docs/json.md and never coloured; HTML is one self-contained page (no scripts, nothing loaded from elsewhere)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the view to FILE (atomically; never over an input) instead of the terminal')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the view to FILE (atomically; never over an input) instead of the terminal')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--time-budget', '--time-budget', [CompletionResultType]::ParameterName, 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)')
            [CompletionResult]::new('--open', '--open', [CompletionResultType]::ParameterName, 'Write the HTML page to a private temporary file and open it in the default browser (implies `--format html`)')
            [CompletionResult]::new('--redact', '--redact', [CompletionResultType]::ParameterName, 'Show the view with every identifying value masked (`ali…(17 chars)`), wherever it appears: excerpts, headers, tables and, with `--format json`, every string')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Never page the human view (`PAGER=cat` does the same). On a terminal, a view taller than the screen goes through `$PAGER` (default `less -R`), as git does')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Also mark and list low-severity findings (quasi-identifiers such as the OS build, locale, CPU, and every environment variable)')
            [CompletionResult]::new('--detail', '--detail', [CompletionResultType]::ParameterName, 'Add the developer''s detail: the system, every loaded and unloaded module with its path, version, debug id and symbols, the dump''s streams and its byte map, each frame''s registers and how it was found, and possible bit flips')
            [CompletionResult]::new('--brief', '--brief', [CompletionResultType]::ParameterName, 'Only the answer, the crash and the crashing thread''s first frames: a view that fits in 40 lines')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of the human view (the same as `--format json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'crashscope;list' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format. JSON is documented in docs/json.md')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--time-budget', '--time-budget', [CompletionResultType]::ParameterName, 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of the human view (the same as `--format json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'crashscope;audit' {
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Also audit a crash store that `crashscope list` (without a path) finds, by its app''s name (case-insensitive, a unique prefix is enough) or its number in that list')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The policy file (default: crashscope.toml in the current directory or a parent)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Fail on findings of this severity or higher (default: the config''s, else medium)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'An earlier `audit --format json` report: only findings not in it fail')
            [CompletionResult]::new('--fingerprint-key', '--fingerprint-key', [CompletionResultType]::ParameterName, 'Key fingerprints with the bytes of FILE (at least 16, kept outside the repository) instead of $CRASHSCOPE_FINGERPRINT_KEY. Without a key, fingerprints name a finding by rule, file and place only (docs/audit.md)')
            [CompletionResult]::new('--pseudonym-key', '--pseudonym-key', [CompletionResultType]::ParameterName, 'The key file given to `scrub --pseudonymize-key`: the pseudonyms that scrub wrote with it are recognised (by their keyed check) and do not fail')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format. JSON, JSON Lines and SARIF are documented in docs/audit.md')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE (atomically, with the mode a new file gets under the umask) instead of stdout; `-` is stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE (atomically, with the mode a new file gets under the umask) instead of stdout; `-` is stdout')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Leave out files whose path matches GLOB (repeatable; `**/new/**`, `*.mdmp`), as `[[exclude]]` entries of the config do with a reason. They are counted, and a glob that matched nothing is a warning')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--time-budget', '--time-budget', [CompletionResultType]::ParameterName, 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Ignore any crashscope.toml')
            [CompletionResult]::new('--show-values', '--show-values', [CompletionResultType]::ParameterName, 'Print matched values instead of redacted previews (never do this in shared CI logs)')
            [CompletionResult]::new('--exit-zero', '--exit-zero', [CompletionResultType]::ParameterName, 'Exit 0 even when findings fail the policy (errors still exit 2)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of the human view (the same as `--format json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'crashscope;scrub' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write the copy: a file for a dump, a new directory for a database')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write the copy: a file for a dump, a new directory for a database')
            [CompletionResult]::new('--min-severity', '--min-severity', [CompletionResultType]::ParameterName, 'Scrub findings of this severity or higher (default: the config''s fail-on, else medium)')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Categories to leave as they are, by id (comma-separated: user-name, host-name, email...; `crashscope rules` lists each rule''s category)')
            [CompletionResult]::new('--drop', '--drop', [CompletionResultType]::ParameterName, 'Blank whole items while keeping the file valid (comma-separated)')
            [CompletionResult]::new('--annotations-allow', '--annotations-allow', [CompletionResultType]::ParameterName, 'Keep only Crashpad annotations whose name matches one of these globs (`switch-*`), at process and module level; list annotations are dropped')
            [CompletionResult]::new('--pseudonymize-key', '--pseudonymize-key', [CompletionResultType]::ParameterName, 'Replace user names, host names, e-mails and install ids with pseudonyms keyed by the bytes of FILE (at least 16): the same value always gets the same pseudonym')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The policy file (default: crashscope.toml in the current directory or a parent)')
            [CompletionResult]::new('--symbols-path', '--symbols-path', [CompletionResultType]::ParameterName, 'A folder of Breakpad symbols in the layout `NAME/DEBUGID/NAME.sym` (repeatable)')
            [CompletionResult]::new('--symbols-url', '--symbols-url', [CompletionResultType]::ParameterName, 'An HTTP(S) symbol server serving `NAME/DEBUGID/NAME.sym` below this URL (repeatable)')
            [CompletionResult]::new('--symbols-cache', '--symbols-cache', [CompletionResultType]::ParameterName, 'Where symbols downloaded from a server are cached')
            [CompletionResult]::new('--symbols-timeout', '--symbols-timeout', [CompletionResultType]::ParameterName, 'Give up on one symbol download after this many seconds (connecting, waiting and reading the whole file)')
            [CompletionResult]::new('--symbols-max-size', '--symbols-max-size', [CompletionResultType]::ParameterName, 'Refuse a symbol file larger than this many MiB from a server (it is neither kept nor cached; Breakpad files of the largest apps are near 1 GiB)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format of the summary. JSON is documented in docs/scrub.md')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--time-budget', '--time-budget', [CompletionResultType]::ParameterName, 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)')
            [CompletionResult]::new('--deface-stacks', '--deface-stacks', [CompletionResultType]::ParameterName, 'Replace every stack word that is not small and points into no module or stack with 0x0defaced0defaced, as Crashpad''s sanitizer does')
            [CompletionResult]::new('--skip-unreadable', '--skip-unreadable', [CompletionResultType]::ParameterName, 'For a database: leave out of the copy the entries that could not be read (links, FIFOs, folders that cannot be listed) and name them, instead of refusing')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Ignore any crashscope.toml')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of the human view (the same as `--format json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'crashscope;rules' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: a table, JSON (docs/rules.md describes it), or the Markdown of docs/rules.md')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--time-budget', '--time-budget', [CompletionResultType]::ParameterName, 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)')
            [CompletionResult]::new('--excluded', '--excluded', [CompletionResultType]::ParameterName, 'List the upstream rules crashscope leaves out, each with the reason')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of the human view (the same as `--format json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'crashscope;generate' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--time-budget', '--time-budget', [CompletionResultType]::ParameterName, 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of the human view (the same as `--format json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Write a completion script for SHELL to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one per command) into DIR')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crashscope;generate;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--time-budget', '--time-budget', [CompletionResultType]::ParameterName, 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of the human view (the same as `--format json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'crashscope;generate;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--time-budget', '--time-budget', [CompletionResultType]::ParameterName, 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub''s verification)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of the human view (the same as `--format json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more diagnostics on stderr (symbol lookups, skipped data)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'crashscope;generate;help' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Write a completion script for SHELL to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one per command) into DIR')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crashscope;generate;help;completions' {
            break
        }
        'crashscope;generate;help;man' {
            break
        }
        'crashscope;generate;help;help' {
            break
        }
        'crashscope;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a crash report: the crash, its stacks, modules, and everything the dump carries')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the reports of a Crashpad database: states, sizes, upload attempts, retention')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Fail a build when crash dumps hold personal data or secrets (a CI gate)')
            [CompletionResult]::new('scrub', 'scrub', [CompletionResultType]::ParameterValue, 'Write a copy of a dump (or a whole Crashpad database) with identifying data removed, then prove the copy still works')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List every rule: what it finds, its category and severity, and where it comes from')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions or man pages (used to build the files in the repository)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crashscope;help;show' {
            break
        }
        'crashscope;help;list' {
            break
        }
        'crashscope;help;audit' {
            break
        }
        'crashscope;help;scrub' {
            break
        }
        'crashscope;help;rules' {
            break
        }
        'crashscope;help;generate' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Write a completion script for SHELL to stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one per command) into DIR')
            break
        }
        'crashscope;help;generate;completions' {
            break
        }
        'crashscope;help;generate;man' {
            break
        }
        'crashscope;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
