#!/usr/bin/python3
"""The determinism source scan: nothing outside the real backend reads a real clock, calls the
kernel, sleeps, draws real randomness, starts threads or lets an address or a hash order leak.

    determinism_scan.py [--root DIR] [--allow FILE]          scan the sources (exit 1 on findings)
    determinism_scan.py --objects LIB.a...  [--allow FILE]   the link-time check: what the
                                                            libraries' objects leave undefined
    determinism_scan.py --self-test                          plants bad files in a temp dir

Scanned: loop/src (not loop/src/real/), loop/include/aio (not the real-backend headers), sim/.
Comments, string and character literals are blanked first, so a comment that names
clock_gettime is not a finding. Every legitimate exception is a line of the allow-list
(determinism_allow.txt beside this file): `path rule reason...`; an entry that no longer
matches anything is itself an error, so the list cannot go stale.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
ALLOW = os.path.join(HERE, 'determinism_allow.txt')

SCANNED = ['loop/src', 'loop/include/aio', 'sim']
EXCLUDED = [
    'loop/src/real/',
    # The real backend's public headers (aio_real): epoll/poll/select, CLOCK_MONOTONIC, POSIX.
    'loop/include/aio/epoll_selector.h', 'loop/include/aio/poll_selector.h',
    'loop/include/aio/select_selector.h', 'loop/include/aio/monotonic_clock.h',
    'loop/include/aio/posix_os.h', 'loop/include/aio/real_seams.h',
    'loop/include/aio/thread_pool_executor.h',
]
SOURCE_EXT = ('.h', '.hpp', '.cpp', '.cc')

# Not preceded by an identifier character, `.`, `->` or `::`: a free function, not a member.
FREE = r'(?<![\w.>:])'
# System calls whose names are also seam methods (Os::read, Selector::select, ...): only
# their global-namespace spelling `::name(` is a finding.
QUALIFIED_ONLY = ('read write close open pipe pipe2 socket socketpair connect accept accept4 bind '
                  'listen send recv sendto recvfrom sendmsg recvmsg shutdown select poll kill dup '
                  'dup2 dup3 signal raise lseek pread pwrite unlink').split()
SYSCALLS = ('epoll_create epoll_create1 epoll_ctl epoll_wait epoll_pwait eventfd timerfd_create '
            'timerfd_settime signalfd inotify_init ppoll pselect fcntl ioctl fork vfork execv execve '
            'execvp execl execlp waitpid wait4 sigaction sigprocmask pthread_sigmask mmap munmap '
            'syscall getpid getppid gethostname getaddrinfo getnameinfo').split()

RULES = [
    ('real-clock', r'\b(steady_clock|system_clock|high_resolution_clock|file_clock|utc_clock|'
                   r'tai_clock|gps_clock)\b'),
    ('real-clock', r'\b(clock_gettime|clock_getres|gettimeofday|timespec_get|__rdtsc|'
                   r'__builtin_ia32_rdtsc|localtime|localtime_r|gmtime|gmtime_r|mktime)\b'),
    ('real-clock', FREE + r'(std::)?time\s*\(\s*(nullptr|NULL|0|&)'),
    ('real-clock', FREE + r'(std::)?clock\s*\(\s*\)'),
    ('sleep', r'\b(sleep_for|sleep_until|nanosleep|clock_nanosleep)\b'),
    ('sleep', FREE + r'(std::|::)?(sleep|usleep)\s*\('),
    ('timed-wait', r'[.>](wait_for|wait_until|try_lock_for|try_lock_until|try_acquire_for)\s*\('),
    # rand() and random() take no argument: World::random("label") is a member, not libc's.
    ('randomness', FREE + r'(std::|::)?(rand|random|drand48|lrand48|mrand48|arc4random)\s*\(\s*\)'),
    ('randomness', FREE + r'(std::|::)?(srand|srandom|rand_r|getrandom|srand48|seed48)\s*\('),
    ('randomness', r'\b(random_device|mt19937|mt19937_64|default_random_engine|minstd_rand0?|'
                   r'ranlux\w*|knuth_b|\w+_distribution|random_shuffle|shuffle_order_engine)\b'),
    ('randomness', r'std::(shuffle|sample)\s*\('),
    ('kernel', r'\b(' + '|'.join(SYSCALLS) + r')\s*\('),
    ('kernel', r'(?<![\w>:])::(' + '|'.join(QUALIFIED_ONLY) + r')\s*\('),
    ('kernel', r'#\s*include\s*<(sys/[^>]+|unistd\.h|fcntl\.h|poll\.h|time\.h|ctime|signal\.h|csignal|'
               r'pthread\.h|dirent\.h|netdb\.h|arpa/[^>]+|netinet/[^>]+|net/[^>]+|termios\.h|spawn\.h|'
               r'sched\.h|x86intrin\.h|immintrin\.h|linux/[^>]+)>'),
    ('threads', r'std::(thread|jthread)\s*(\w+\s*)?[({]|\bpthread_create\b|std::async\b|'
                r'#\s*include\s*<future>'),
    ('environment', FREE + r'(std::)?(getenv|secure_getenv|setenv|putenv|unsetenv|clearenv)\s*\(|'
                    r'\benviron\b'),
    ('files', r'\b(fopen|freopen|tmpfile|opendir)\s*\(|std::(i|o)?fstream\b|std::filesystem\b|'
              r'#\s*include\s*<(fstream|filesystem|iostream)>'),
    ('stdio', FREE + r'(std::)?(printf|vprintf|fprintf|vfprintf|puts|fputs|fputc|putchar|fwrite|'
              r'fread|fgets|getchar|fflush|perror)\s*\(|std::(cout|cerr|clog|cin)\b|'
              r'\b(stdout|stderr|stdin)\b'),
    ('address-order', r'\b(u?intptr_t)\b|std::hash\b|\bunordered_(map|set|multimap|multiset)\b|'
                      r'std::(map|set|multimap|multiset)<\s*(const\s+)?[\w:]+\s*(const\s*)?\*'),
]
COMPILED = [(rule, re.compile(rx), rx.startswith(FREE)) for rule, rx in RULES]
KEYWORDS = {'return', 'co_return', 'co_await', 'co_yield', 'throw', 'case', 'else', 'do', 'not',
            'and', 'or'}


def is_declaration(line, start):
    """True when the name at `start` is declared rather than called: `Clock& clock()`,
    `std::optional<std::string> getenv(...)`, `Random random(7)`."""
    before = line[:start].rstrip()
    if not before:
        return False
    if before[-1] in '&*>':
        return True
    word = re.search(r'(\w+)$', before)
    return bool(word) and word.group(1) not in KEYWORDS


def blank(literal):
    """A literal with everything but its first and last character (and newlines) blanked."""
    if len(literal) < 2:
        return literal
    return literal[0] + re.sub(r'[^\n]', ' ', literal[1:-1]) + literal[-1]


def raw_string_prefix(text, quote):
    """True when the '"' at `quote` opens a raw string literal (R, u8R, uR, UR, LR)."""
    if quote == 0 or text[quote - 1] != 'R':
        return False
    start = quote - 1
    for prefix in ('u8', 'u', 'U', 'L'):
        if text[max(0, start - len(prefix)):start] == prefix:
            start -= len(prefix)
            break
    return start == 0 or not (text[start - 1].isalnum() or text[start - 1] == '_')


def blank_comments_and_literals(text):
    """The text with comments, string and character literals replaced by spaces (newlines
    kept, so line numbers stay). Handles raw strings and digit separators (1'000'000)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        nxt = text[i + 1] if i + 1 < n else ''
        if c == '/' and nxt == '/':
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        elif c == '/' and nxt == '*':
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif c == '"':
            if raw_string_prefix(text, i):
                open_paren = text.find('(', i)
                delim = text[i + 1:open_paren] if open_paren >= 0 else ''
                j = text.find(')' + delim + '"', max(open_paren, i))
                j = n if j < 0 else j + len(delim) + 2
            else:
                j = i + 1
                while j < n and text[j] != '"' and text[j] != '\n':
                    j += 2 if text[j] == '\\' else 1
                j = min(j + 1, n)
            out.append(blank(text[i:j]))
            i = j
        elif c == "'":
            prev = text[i - 1] if i > 0 else ''
            word = re.search(r'(\w+)$', text[:i])
            prefix = word.group(1) if word else ''
            if (prev.isalnum() or prev == '_') and prefix not in ('L', 'u', 'U', 'u8') and nxt.isalnum():
                out.append(c)  # a digit separator
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != "'" and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            j = min(j + 1, n)
            out.append(blank(text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def findings_in(path, display):
    """[(display, line, rule, text)] for one file."""
    with open(path, encoding='utf-8', errors='replace') as f:
        original = f.read()
    code = blank_comments_and_literals(original)
    lines = original.split('\n')
    found = []
    for number, line in enumerate(code.split('\n'), 1):
        for rule, rx, call in COMPILED:
            if any(not (call and is_declaration(line, m.start())) for m in rx.finditer(line)):
                found.append((display, number, rule, lines[number - 1].strip()))
    return found


def scanned_files(root):
    files = []
    for top in SCANNED:
        for base, dirs, names in os.walk(os.path.join(root, top)):
            dirs.sort()
            for name in sorted(names):
                rel = os.path.relpath(os.path.join(base, name), root).replace(os.sep, '/')
                if not rel.endswith(SOURCE_EXT) or any(rel == e or rel.startswith(e) for e in EXCLUDED):
                    continue
                files.append(rel)
    return files


def load_allow(path):
    """{(file, rule): reason} from `path rule reason...` lines; # starts a comment line."""
    allow = {}
    problems = []
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = line.split(None, 2)
            if len(parts) < 3:
                problems.append(f'{path}:{number}: an entry is "file rule reason", and names its reason')
                continue
            allow[(parts[0], parts[1])] = parts[2]
    return allow, problems


def report(found, allow, allow_path, problems, what):
    used = set()
    bad = []
    for display, number, rule, text in found:
        if (display, rule) in allow:
            used.add((display, rule))
        else:
            bad.append(f'{display}:{number}: {rule}: {text}' if number else f'{display}: {rule} ({text})')
    for key in sorted(set(allow) - used):
        problems.append(f'{allow_path}: stale entry "{key[0]} {key[1]}": nothing there matches it any more')
    for line in bad + problems:
        print(line)
    if bad:
        print(f'{len(bad)} finding(s) in {what}: the loop core and the simulator must go through the '
              f'seams (aio/clock.h, selector.h, os.h); a legitimate exception is a line of {allow_path} '
              f'naming the file, the rule and the reason')
    print(f'determinism scan of {what}: {len(found)} match(es), {len(found) - len(bad)} allowed, '
          f'{len(bad)} finding(s), {len(problems)} problem(s)')
    return 1 if bad or problems else 0


def scan(root, allow_path):
    allow, problems = load_allow(allow_path)
    found = []
    files = scanned_files(root)
    for rel in files:
        found += findings_in(os.path.join(root, rel), rel)
    return report(found, {k: v for k, v in allow.items() if not k[1].startswith('symbol:')},
                  allow_path, problems, f'{len(files)} files')


# ---- the link-time check ---------------------------------------------------------------

# Undefined symbols that mean a real clock, the kernel or sleeping, by C name; C++ ones by
# their demangled text.
DENIED_SYMBOLS = set(SYSCALLS + QUALIFIED_ONLY + (
    'clock_gettime clock_getres gettimeofday time clock nanosleep clock_nanosleep usleep sleep '
    'rand srand random srandom getrandom getenv secure_getenv setenv putenv unsetenv fopen '
    'open64 openat pthread_create printf vprintf fprintf vfprintf puts fputs fputc putchar fwrite fread '
    'fgets fflush perror stdout stderr stdin').split())
DENIED_DEMANGLED = re.compile(r'std::chrono::.*(steady_clock|system_clock|high_resolution_clock)::now|'
                              r'std::random_device|std::this_thread::sleep|std::thread::_M_start_thread')


def undefined_symbols(library):
    """[(object, symbol, demangled)] that the archive's objects leave undefined."""
    out = subprocess.run(['nm', '-u', '-A', '-C', library], capture_output=True, text=True, check=True).stdout
    raw = subprocess.run(['nm', '-u', '-A', library], capture_output=True, text=True, check=True).stdout
    result = []
    for demangled, mangled in zip(out.splitlines(), raw.splitlines()):
        obj = mangled.split(':')[-2] if mangled.count(':') >= 2 else library
        name = mangled.split()[-1]
        result.append((os.path.basename(obj), name.split('@')[0], demangled.split(' U ', 1)[-1].strip()))
    return result


def scan_objects(libraries, allow_path):
    allow, problems = load_allow(allow_path)
    found = []
    for lib in libraries:
        for obj, name, demangled in undefined_symbols(lib):
            if name in DENIED_SYMBOLS or DENIED_DEMANGLED.search(demangled):
                found.append((f'{os.path.basename(lib)}:{obj}', 0, f'symbol:{name}', demangled))
    allow = {k: v for k, v in allow.items() if k[1].startswith('symbol:')}
    return report(found, allow, allow_path, problems, f'the objects of {len(libraries)} libraries')


# ---- the scanner's own test --------------------------------------------------------------

PLANTED = {
    'loop/src/bad_clock.cpp': ('#include <chrono>\ndouble f() { auto t = std::chrono::steady_clock::now(); '
                               'return t.time_since_epoch().count(); }\n', ['real-clock']),
    'loop/src/bad_kernel.cpp': ('#include <unistd.h>\nint g(int fd) { return ::close(fd); }\n',
                                ['kernel', 'kernel']),
    'loop/src/bad_sleep.cpp': ('void h() { std::this_thread::sleep_for(1ms); usleep(3); }\n',
                               ['sleep', 'sleep']),
    'loop/include/aio/bad_random.h': ('int r() { std::random_device d; return rand() + d(); }\n',
                                      ['randomness', 'randomness']),
    'sim/src/bad_epoll.cpp': ('int e() { return epoll_wait(3, nullptr, 1, -1) + time(nullptr); }\n',
                              ['kernel', 'real-clock']),
    'sim/src/bad_order.cpp': ('std::map<const Foo*, int> m;\nstd::unordered_map<int, int> u;\n',
                              ['address-order', 'address-order']),
    'sim/src/allowed.cpp': ('void log(const char* s) { std::fputs(s, stderr); }\n', ['stdio']),
    # What must not be a finding: comments, strings, members named like system calls.
    'loop/src/fine.cpp': ('// clock_gettime and epoll_wait are only named here\n'
                          'const char* s = "sleep(1); ::close(3); steady_clock";\n'
                          'auto r = R"x(time(nullptr) rand())x";\n'
                          'int n = 1\'000\'000; char q = \'"\';\n'
                          'void f(Os& os, Selector* s) { os.close(3); s->select(0.0); os.pipe(); '
                          'double t = loop.time(); std::chrono::duration<double> d{t}; }\n'
                          'struct Os { void close(int fd); void read(); }; void Os::close(int) {}\n'
                          'Clock& clock(); std::optional<std::string> getenv(const std::string& n);\n'
                          'Random random(7); auto s = aio::sleep(0.1);\n'
                          'void World::f() { auto r = random("chaos.timers"); }\n', []),
    'sim/src/bad_libc_random.cpp': ('long f() { return random() + ::rand(); }\nvoid g() { srand(1); }\n',
                                    ['randomness', 'randomness']),
    'loop/src/real/epoll_selector.cpp': ('int x() { return epoll_wait(1, 0, 1, 0); }\n', []),
}


def self_test_objects(tmp):
    """The link-time check on an archive of a planted object, when a compiler is at hand."""
    compiler = next((c for c in ('c++', 'g++', 'clang++') if shutil.which(c)), None)
    if not compiler or not shutil.which('ar') or not shutil.which('nm'):
        print('self-test: no compiler, ar or nm: the link-time check is not tested')
        return []
    source = os.path.join(tmp, 'planted.cpp')
    with open(source, 'w') as f:
        f.write('#include <time.h>\n#include <chrono>\nint planted() { timespec t; '
                'return clock_gettime(CLOCK_MONOTONIC, &t) + '
                'int(std::chrono::steady_clock::now().time_since_epoch().count()); }\n')
    obj, lib = os.path.join(tmp, 'planted.o'), os.path.join(tmp, 'libplanted.a')
    subprocess.run([compiler, '-c', '-O0', source, '-o', obj], check=True)
    subprocess.run(['ar', 'rcs', lib, obj], check=True)
    symbols = {(o, s) for o, s, d in undefined_symbols(lib)
               if s in DENIED_SYMBOLS or DENIED_DEMANGLED.search(d)}
    expected = {('planted.o', 'clock_gettime'), ('planted.o', '_ZNSt6chrono3_V212steady_clock3nowEv')}
    return [] if symbols == expected else [f'link-time check: expected {sorted(expected)}, found {sorted(symbols)}']


def self_test():
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for rel, (text, _) in PLANTED.items():
            path = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                f.write(text)
        seen = {}
        for rel in scanned_files(tmp):
            for display, _, rule, _ in findings_in(os.path.join(tmp, rel), rel):
                seen.setdefault(display, []).append(rule)
        for rel, (_, rules) in PLANTED.items():
            if sorted(seen.get(rel, [])) != sorted(rules):
                failures.append(f'{rel}: expected {sorted(rules)}, found {sorted(seen.get(rel, []))}')
        allow = os.path.join(tmp, 'allow.txt')
        with open(allow, 'w') as f:
            f.write('# test\nsim/src/allowed.cpp stdio the test says so\nsim/src/gone.cpp kernel stale\n')
        found = [(d, 1, r, '') for d, rules in seen.items() for r in rules]
        allowed, problems = load_allow(allow)
        with open(os.devnull, 'w') as null:
            stdout, sys.stdout = sys.stdout, null
            try:
                status = report(found, allowed, allow, problems, 'the planted files')
            finally:
                sys.stdout = stdout
        if status != 1 or not any('stale entry "sim/src/gone.cpp kernel"' in p for p in problems):
            failures.append('a stale allow-list entry is not reported')
        if ('sim/src/allowed.cpp', 'stdio') not in allowed:
            failures.append('the allow-list entry was not read')
        with open(allow, 'w') as f:
            f.write('sim/src/allowed.cpp stdio\n')
        if not load_allow(allow)[1]:
            failures.append('an allow-list entry without a reason is accepted')
        failures += self_test_objects(tmp)
    for line in failures:
        print('self-test:', line)
    print(f'determinism scan self-test: {len(PLANTED)} planted files, {len(failures)} failure(s)')
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--root', default=ROOT)
    parser.add_argument('--allow', default=ALLOW)
    parser.add_argument('--objects', nargs='+', metavar='LIB')
    parser.add_argument('--self-test', action='store_true')
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    if args.objects:
        return scan_objects(args.objects, args.allow)
    return scan(args.root, args.allow)


if __name__ == '__main__':
    sys.exit(main())
