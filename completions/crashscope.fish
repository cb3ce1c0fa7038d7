# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_crashscope_global_optspecs
    string join \n color= json q/quiet v/verbose time-budget= h/help V/version
end

function __fish_crashscope_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_crashscope_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_crashscope_using_subcommand
    set -l cmd (__fish_crashscope_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c crashscope -n "__fish_crashscope_needs_command" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crashscope -n "__fish_crashscope_needs_command" -l time-budget -d 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub\'s verification)' -r
complete -c crashscope -n "__fish_crashscope_needs_command" -l json -d 'Print JSON instead of the human view (the same as `--format json`)'
complete -c crashscope -n "__fish_crashscope_needs_command" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c crashscope -n "__fish_crashscope_needs_command" -s v -l verbose -d 'Print more diagnostics on stderr (symbol lookups, skipped data)'
complete -c crashscope -n "__fish_crashscope_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crashscope -n "__fish_crashscope_needs_command" -s V -l version -d 'Print version'
complete -c crashscope -n "__fish_crashscope_needs_command" -f -a "show" -d 'Show a crash report: the crash, its stacks, modules, and everything the dump carries'
complete -c crashscope -n "__fish_crashscope_needs_command" -f -a "list" -d 'List the reports of a Crashpad database: states, sizes, upload attempts, retention'
complete -c crashscope -n "__fish_crashscope_needs_command" -f -a "audit" -d 'Fail a build when crash dumps hold personal data or secrets (a CI gate)'
complete -c crashscope -n "__fish_crashscope_needs_command" -f -a "scrub" -d 'Write a copy of a dump (or a whole Crashpad database) with identifying data removed, then prove the copy still works'
complete -c crashscope -n "__fish_crashscope_needs_command" -f -a "rules" -d 'List every rule: what it finds, its category and severity, and where it comes from'
complete -c crashscope -n "__fish_crashscope_needs_command" -f -a "generate" -d 'Write shell completions or man pages (used to build the files in the repository)'
complete -c crashscope -n "__fish_crashscope_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l app -d 'A crash store that `crashscope list` (without a path) finds, by its app\'s name (case-insensitive, a unique prefix is enough) or its number in that list' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l report -d 'Only this report of a database (its id, or a unique prefix of it; repeatable)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l state -d 'Which reports of a database to show' -r -f -a "pending\t'What consent would upload: pending reports and reports whose upload was requested'
sent\t'Reports already uploaded'
not-sent\t'Reports never sent (uploads were off) or whose upload failed'
in-progress\t'Reports still being written, or abandoned while being written'
all\t'Every report, including orphaned and unreadable ones'"
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l threads -d 'Which threads to print stacks for: the crashing (or requesting) thread, or all' -r -f -a "crashing\t'Only the crashing thread (or the thread that requested the dump)'
all\t'Every thread in the dump'"
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l symbols-path -d 'A folder of Breakpad symbols in the layout `NAME/DEBUGID/NAME.sym` (repeatable)' -r -F
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l symbols-url -d 'An HTTP(S) symbol server serving `NAME/DEBUGID/NAME.sym` below this URL (repeatable)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l symbols-cache -d 'Where symbols downloaded from a server are cached' -r -F
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l symbols-timeout -d 'Give up on one symbol download after this many seconds (connecting, waiting and reading the whole file)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l symbols-max-size -d 'Refuse a symbol file larger than this many MiB from a server (it is neither kept nor cached; Breakpad files of the largest apps are near 1 GiB)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l format -d 'Output format. JSON is documented in docs/json.md and never coloured; HTML is one self-contained page (no scripts, nothing loaded from elsewhere)' -r -f -a "human\t'A readable report for a person (the terminal view)'
json\t'One JSON document (docs/json.md)'
html\t'One self-contained HTML page: the terminal view for a browser'"
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -s o -l output -d 'Write the view to FILE (atomically; never over an input) instead of the terminal' -r -F
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l time-budget -d 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub\'s verification)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l open -d 'Write the HTML page to a private temporary file and open it in the default browser (implies `--format html`)'
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l redact -d 'Show the view with every identifying value masked (`ali…(17 chars)`), wherever it appears: excerpts, headers, tables and, with `--format json`, every string'
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l no-pager -d 'Never page the human view (`PAGER=cat` does the same). On a terminal, a view taller than the screen goes through `$PAGER` (default `less -R`), as git does'
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l all -d 'Also mark and list low-severity findings (quasi-identifiers such as the OS build, locale, CPU, and every environment variable)'
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l detail -d 'Add the developer\'s detail: the system, every loaded and unloaded module with its path, version, debug id and symbols, the dump\'s streams and its byte map, each frame\'s registers and how it was found, and possible bit flips'
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l brief -d 'Only the answer, the crash and the crashing thread\'s first frames: a view that fits in 40 lines'
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -l json -d 'Print JSON instead of the human view (the same as `--format json`)'
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -s v -l verbose -d 'Print more diagnostics on stderr (symbol lookups, skipped data)'
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crashscope -n "__fish_crashscope_using_subcommand show" -s V -l version -d 'Print version'
complete -c crashscope -n "__fish_crashscope_using_subcommand list" -l format -d 'Output format. JSON is documented in docs/json.md' -r -f -a "human\t'A readable report for a person'
json\t'One JSON document (docs/json.md)'"
complete -c crashscope -n "__fish_crashscope_using_subcommand list" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crashscope -n "__fish_crashscope_using_subcommand list" -l time-budget -d 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub\'s verification)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand list" -l json -d 'Print JSON instead of the human view (the same as `--format json`)'
complete -c crashscope -n "__fish_crashscope_using_subcommand list" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c crashscope -n "__fish_crashscope_using_subcommand list" -s v -l verbose -d 'Print more diagnostics on stderr (symbol lookups, skipped data)'
complete -c crashscope -n "__fish_crashscope_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crashscope -n "__fish_crashscope_using_subcommand list" -s V -l version -d 'Print version'
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -l app -d 'Also audit a crash store that `crashscope list` (without a path) finds, by its app\'s name (case-insensitive, a unique prefix is enough) or its number in that list' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -l config -d 'The policy file (default: crashscope.toml in the current directory or a parent)' -r -F
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -l fail-on -d 'Fail on findings of this severity or higher (default: the config\'s, else medium)' -r -f -a "low\t''
medium\t''
high\t''"
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -l baseline -d 'An earlier `audit --format json` report: only findings not in it fail' -r -F
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -l fingerprint-key -d 'Key fingerprints with the bytes of FILE (at least 16, kept outside the repository) instead of $CRASHSCOPE_FINGERPRINT_KEY. Without a key, fingerprints name a finding by rule, file and place only (docs/audit.md)' -r -F
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -l pseudonym-key -d 'The key file given to `scrub --pseudonymize-key`: the pseudonyms that scrub wrote with it are recognised (by their keyed check) and do not fail' -r -F
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -l format -d 'Output format. JSON, JSON Lines and SARIF are documented in docs/audit.md' -r -f -a "human\t'Findings grouped by file, for a person'
json\t'One JSON document: findings, verdicts and a summary (also a baseline)'
jsonl\t'One JSON object a line: every finding, then one summary line'
sarif\t'SARIF 2.1.0, for code scanning (GitHub, Azure DevOps, IDEs)'
github\t'GitHub Actions workflow commands (annotations on the run)'"
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -s o -l output -d 'Write the report to FILE (atomically, with the mode a new file gets under the umask) instead of stdout; `-` is stdout' -r -F
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -l exclude -d 'Leave out files whose path matches GLOB (repeatable; `**/new/**`, `*.mdmp`), as `[[exclude]]` entries of the config do with a reason. They are counted, and a glob that matched nothing is a warning' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -l time-budget -d 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub\'s verification)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -l no-config -d 'Ignore any crashscope.toml'
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -l show-values -d 'Print matched values instead of redacted previews (never do this in shared CI logs)'
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -l exit-zero -d 'Exit 0 even when findings fail the policy (errors still exit 2)'
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -l json -d 'Print JSON instead of the human view (the same as `--format json`)'
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -s v -l verbose -d 'Print more diagnostics on stderr (symbol lookups, skipped data)'
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crashscope -n "__fish_crashscope_using_subcommand audit" -s V -l version -d 'Print version'
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -s o -l output -d 'Where to write the copy: a file for a dump, a new directory for a database' -r -F
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l min-severity -d 'Scrub findings of this severity or higher (default: the config\'s fail-on, else medium)' -r -f -a "low\t''
medium\t''
high\t''"
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l keep -d 'Categories to leave as they are, by id (comma-separated: user-name, host-name, email...; `crashscope rules` lists each rule\'s category)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l drop -d 'Blank whole items while keeping the file valid (comma-separated)' -r -f -a "environ\t'The Linux environment stream'
cmdline\t'The Linux command-line stream'
proc-status\t'/proc/PID/status'
maps\t'/proc/PID/maps'
lsb-release\t'/etc/lsb-release'
cpu-info\t'/proc/cpuinfo'
auxv\t'The auxiliary vector'
annotations\t'Every Crashpad annotation value (process and module, simple, list and objects)'
thread-names\t'Thread names'
custom-streams\t'Streams crashscope does not interpret (custom user streams)'
heap\t'Heap and anonymous memory regions (their bytes are zeroed, the list kept)'"
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l annotations-allow -d 'Keep only Crashpad annotations whose name matches one of these globs (`switch-*`), at process and module level; list annotations are dropped' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l pseudonymize-key -d 'Replace user names, host names, e-mails and install ids with pseudonyms keyed by the bytes of FILE (at least 16): the same value always gets the same pseudonym' -r -F
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l config -d 'The policy file (default: crashscope.toml in the current directory or a parent)' -r -F
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l symbols-path -d 'A folder of Breakpad symbols in the layout `NAME/DEBUGID/NAME.sym` (repeatable)' -r -F
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l symbols-url -d 'An HTTP(S) symbol server serving `NAME/DEBUGID/NAME.sym` below this URL (repeatable)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l symbols-cache -d 'Where symbols downloaded from a server are cached' -r -F
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l symbols-timeout -d 'Give up on one symbol download after this many seconds (connecting, waiting and reading the whole file)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l symbols-max-size -d 'Refuse a symbol file larger than this many MiB from a server (it is neither kept nor cached; Breakpad files of the largest apps are near 1 GiB)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l format -d 'Output format of the summary. JSON is documented in docs/scrub.md' -r -f -a "human\t'A readable report for a person'
json\t'One JSON document (docs/json.md)'"
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l time-budget -d 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub\'s verification)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l deface-stacks -d 'Replace every stack word that is not small and points into no module or stack with 0x0defaced0defaced, as Crashpad\'s sanitizer does'
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l skip-unreadable -d 'For a database: leave out of the copy the entries that could not be read (links, FIFOs, folders that cannot be listed) and name them, instead of refusing'
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l no-config -d 'Ignore any crashscope.toml'
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -l json -d 'Print JSON instead of the human view (the same as `--format json`)'
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -s v -l verbose -d 'Print more diagnostics on stderr (symbol lookups, skipped data)'
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crashscope -n "__fish_crashscope_using_subcommand scrub" -s V -l version -d 'Print version'
complete -c crashscope -n "__fish_crashscope_using_subcommand rules" -l format -d 'Output format: a table, JSON (docs/rules.md describes it), or the Markdown of docs/rules.md' -r -f -a "human\t''
json\t''
markdown\t''"
complete -c crashscope -n "__fish_crashscope_using_subcommand rules" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crashscope -n "__fish_crashscope_using_subcommand rules" -l time-budget -d 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub\'s verification)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand rules" -l excluded -d 'List the upstream rules crashscope leaves out, each with the reason'
complete -c crashscope -n "__fish_crashscope_using_subcommand rules" -l json -d 'Print JSON instead of the human view (the same as `--format json`)'
complete -c crashscope -n "__fish_crashscope_using_subcommand rules" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c crashscope -n "__fish_crashscope_using_subcommand rules" -s v -l verbose -d 'Print more diagnostics on stderr (symbol lookups, skipped data)'
complete -c crashscope -n "__fish_crashscope_using_subcommand rules" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crashscope -n "__fish_crashscope_using_subcommand rules" -s V -l version -d 'Print version'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l time-budget -d 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub\'s verification)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l json -d 'Print JSON instead of the human view (the same as `--format json`)'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s v -l verbose -d 'Print more diagnostics on stderr (symbol lookups, skipped data)'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s V -l version -d 'Print version'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "completions" -d 'Write a completion script for SHELL to stdout'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "man" -d 'Write man pages (one per command) into DIR'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from completions" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from completions" -l time-budget -d 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub\'s verification)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from completions" -l json -d 'Print JSON instead of the human view (the same as `--format json`)'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from completions" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from completions" -s v -l verbose -d 'Print more diagnostics on stderr (symbol lookups, skipped data)'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from completions" -s V -l version -d 'Print version'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from man" -l color -d 'When to colour the output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from man" -l time-budget -d 'The most time one dump may take, in seconds (stackwalk, memory scan, a scrub\'s verification)' -r
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from man" -l json -d 'Print JSON instead of the human view (the same as `--format json`)'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from man" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from man" -s v -l verbose -d 'Print more diagnostics on stderr (symbol lookups, skipped data)'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from man" -s V -l version -d 'Print version'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "completions" -d 'Write a completion script for SHELL to stdout'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "man" -d 'Write man pages (one per command) into DIR'
complete -c crashscope -n "__fish_crashscope_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crashscope -n "__fish_crashscope_using_subcommand help; and not __fish_seen_subcommand_from show list audit scrub rules generate help" -f -a "show" -d 'Show a crash report: the crash, its stacks, modules, and everything the dump carries'
complete -c crashscope -n "__fish_crashscope_using_subcommand help; and not __fish_seen_subcommand_from show list audit scrub rules generate help" -f -a "list" -d 'List the reports of a Crashpad database: states, sizes, upload attempts, retention'
complete -c crashscope -n "__fish_crashscope_using_subcommand help; and not __fish_seen_subcommand_from show list audit scrub rules generate help" -f -a "audit" -d 'Fail a build when crash dumps hold personal data or secrets (a CI gate)'
complete -c crashscope -n "__fish_crashscope_using_subcommand help; and not __fish_seen_subcommand_from show list audit scrub rules generate help" -f -a "scrub" -d 'Write a copy of a dump (or a whole Crashpad database) with identifying data removed, then prove the copy still works'
complete -c crashscope -n "__fish_crashscope_using_subcommand help; and not __fish_seen_subcommand_from show list audit scrub rules generate help" -f -a "rules" -d 'List every rule: what it finds, its category and severity, and where it comes from'
complete -c crashscope -n "__fish_crashscope_using_subcommand help; and not __fish_seen_subcommand_from show list audit scrub rules generate help" -f -a "generate" -d 'Write shell completions or man pages (used to build the files in the repository)'
complete -c crashscope -n "__fish_crashscope_using_subcommand help; and not __fish_seen_subcommand_from show list audit scrub rules generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crashscope -n "__fish_crashscope_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Write a completion script for SHELL to stdout'
complete -c crashscope -n "__fish_crashscope_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'Write man pages (one per command) into DIR'
