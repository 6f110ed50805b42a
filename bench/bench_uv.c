/* bench_uv: the comparative workloads on libuv (C). Prints one JSON line per invocation.
 *   bench_uv <workload> [--n N] [--seed S]
 * Runs the workload twice at n on one loop: a cold run (reported as cold_seconds), then the
 * measured run. Exit status: 0 measured and verified (or "n/a"), 1 verification failed,
 * 2 usage error. See reports/bench/README.md. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

typedef struct {
  long long items;
  double seconds;
} result_t;

static const char* g_workload = "";

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void check(int ok, const char* what, long long got, long long want) {
  if (ok) return;
  printf("{\"workload\": \"%s\", \"implementation\": \"libuv\", \"status\": \"failed\", "
         "\"error\": \"%s: got %lld, expected %lld\"}\n",
         g_workload, what, got, want);
  fflush(stdout);
  fprintf(stderr, "libuv %s: FAILED: %s: got %lld, expected %lld\n", g_workload, what, got, want);
  exit(1);
}

/* The handle arrays live in the application's memory, which a long-lived program reuses:
 * each buffer is allocated once per process, grown if needed, never freed. */
typedef struct {
  void* p;
  size_t size;
} buffer_t;
static void* reuse(buffer_t* b, size_t size) {
  if (b->size < size) {
    free(b->p);
    b->p = malloc(size);
    b->size = size;
    if (b->p == NULL) {
      fprintf(stderr, "out of memory\n");
      exit(1);
    }
  }
  return b->p;
}
static buffer_t g_handles_buf, g_gen_buf;

/* One loop for the process: the cold run and the measured run share it. */
static uv_loop_t* process_loop(void) {
  static uv_loop_t loop;
  static int ready = 0;
  if (!ready) {
    uv_loop_init(&loop);
    ready = 1;
  }
  return &loop;
}

/* Closes every handle left (outside the timed part). */
static void walk_close(uv_handle_t* h, void* arg) {
  (void)arg;
  if (!uv_is_closing(h)) uv_close(h, NULL);
}
static void close_handles(uv_loop_t* loop) {
  uv_walk(loop, walk_close, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
}

/* splitmix64, as in peer_common.h. */
static uint64_t g_rng;
static double uniform01(void) {
  uint64_t z = (g_rng += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

static long long g_count, g_remaining;

/* 1. libuv has no call_soon: one uv_idle_t per callback, started before the run; each
 * callback stops its own handle, so it runs once. */
static void idle_once(uv_idle_t* h) {
  ++g_count;
  uv_idle_stop(h);
}

static result_t call_soon_batch(long long n, uint64_t seed) {
  (void)seed;
  uv_loop_t* loop = process_loop();
  g_count = 0;
  double t0 = now_seconds();
  uv_idle_t* hs = reuse(&g_handles_buf, (size_t)n * sizeof *hs);
  for (long long i = 0; i < n; ++i) {
    uv_idle_init(loop, &hs[i]);
    uv_idle_start(&hs[i], idle_once);
  }
  uv_run(loop, UV_RUN_DEFAULT);
  double s = now_seconds() - t0;
  check(g_count == n, "callbacks run", g_count, n);
  close_handles(loop);
  return (result_t){n, s};
}

/* 2. One uv_idle_t whose callback stops it and starts it again for the next step. */
static void idle_chain(uv_idle_t* h) {
  ++g_count;
  uv_idle_stop(h);
  if (--g_remaining > 0) uv_idle_start(h, idle_chain);
}

static result_t call_soon_chain(long long n, uint64_t seed) {
  (void)seed;
  uv_loop_t* loop = process_loop();
  uv_idle_t h;
  uv_idle_init(loop, &h);
  g_count = 0;
  g_remaining = n;
  double t0 = now_seconds();
  uv_idle_start(&h, idle_chain);
  uv_run(loop, UV_RUN_DEFAULT);
  double s = now_seconds() - t0;
  check(g_count == n, "callbacks run", g_count, n);
  close_handles(loop);
  return (result_t){n, s};
}

/* 3. n uv_timer_t with random delays within 10 ms (libuv counts whole milliseconds: 0..9);
 * every other one stopped with uv_timer_stop; run until no timer is active. */
static uv_timer_t* g_timers;
static long long g_fired, g_wrong;

static void timer_fired(uv_timer_t* t) {
  if ((t - g_timers) % 2 == 0) ++g_wrong;
  ++g_fired;
}

static result_t timers(long long n, uint64_t seed) {
  uv_loop_t* loop = process_loop();
  g_rng = seed;
  g_fired = g_wrong = 0;
  double t0 = now_seconds();
  g_timers = reuse(&g_handles_buf, (size_t)n * sizeof *g_timers);
  uv_update_time(loop);
  for (long long i = 0; i < n; ++i) {
    uv_timer_init(loop, &g_timers[i]);
    uv_timer_start(&g_timers[i], timer_fired, (uint64_t)(uniform01() * 10.0), 0);
  }
  for (long long i = 0; i < n; i += 2) uv_timer_stop(&g_timers[i]);
  uv_run(loop, UV_RUN_DEFAULT);
  double s = now_seconds() - t0;
  check(g_wrong == 0, "cancelled timers that fired", g_wrong, 0);
  check(g_fired == n / 2, "timers fired", g_fired, n / 2);
  close_handles(loop);
  return (result_t){n, s};
}

/* 4. n live 10 ms timeouts; 10 passes stop (uv_timer_stop) and re-arm (uv_timer_start) each;
 * run until none is active: only the last arm of each fires. Items: the 10 n re-arms. */
enum { kRearms = 10 };
static int* g_gen;
static long long g_stale;

static void timeout_fired(uv_timer_t* t) {
  if (g_gen[t - g_timers] != kRearms) ++g_stale;
  ++g_fired;
}

static result_t timer_churn(long long n, uint64_t seed) {
  (void)seed;
  uv_loop_t* loop = process_loop();
  g_fired = g_stale = 0;
  double t0 = now_seconds();
  g_timers = reuse(&g_handles_buf, (size_t)n * sizeof *g_timers);
  g_gen = reuse(&g_gen_buf, (size_t)n * sizeof *g_gen);
  uv_update_time(loop);
  for (long long i = 0; i < n; ++i) {
    g_gen[i] = 0;
    uv_timer_init(loop, &g_timers[i]);
    uv_timer_start(&g_timers[i], timeout_fired, 10, 0);
  }
  for (int gen = 1; gen <= kRearms; ++gen) {
    for (long long i = 0; i < n; ++i) {
      uv_timer_stop(&g_timers[i]);
      g_gen[i] = gen;
      uv_timer_start(&g_timers[i], timeout_fired, 10, 0);
    }
  }
  uv_run(loop, UV_RUN_DEFAULT);
  double s = now_seconds() - t0;
  check(g_stale == 0, "cancelled arms that fired", g_stale, 0);
  check(g_fired == n, "timeouts fired", g_fired, n);
  close_handles(loop);
  return (result_t){n * kRearms, s};
}

/* 5. libuv's only thread-safe call is uv_async_send, which coalesces wake-ups; the idiomatic
 * cross-thread submission is a mutex-protected queue of (function, argument) plus
 * uv_async_send, drained in the async callback (double-buffered; the buffers are kept). */
typedef struct {
  void (*fn)(void*);
  void* arg;
} task_t;
typedef struct {
  task_t* items;
  size_t len, cap;
} tasks_t;

static pthread_mutex_t g_mutex = PTHREAD_MUTEX_INITIALIZER;
static tasks_t g_incoming, g_spare;
static uv_async_t g_async;
static long long g_n;

static void count_task(void* arg) {
  (void)arg;
  ++g_count;
}

static void* producer(void* arg) {
  (void)arg;
  for (long long i = 0; i < g_n; ++i) {
    pthread_mutex_lock(&g_mutex);
    if (g_incoming.len == g_incoming.cap) {
      g_incoming.cap = g_incoming.cap ? 2 * g_incoming.cap : 1024;
      g_incoming.items = realloc(g_incoming.items, g_incoming.cap * sizeof(task_t));
      if (g_incoming.items == NULL) abort();
    }
    g_incoming.items[g_incoming.len++] = (task_t){count_task, NULL};
    pthread_mutex_unlock(&g_mutex);
    uv_async_send(&g_async);
  }
  return NULL;
}

static void drain(uv_async_t* h) {
  pthread_mutex_lock(&g_mutex);
  tasks_t batch = g_incoming;
  g_incoming = g_spare;
  pthread_mutex_unlock(&g_mutex);
  for (size_t i = 0; i < batch.len; ++i) batch.items[i].fn(batch.items[i].arg);
  batch.len = 0;
  g_spare = batch;
  if (g_count == g_n) uv_close((uv_handle_t*)h, NULL);
}

static result_t cross_thread(long long n, uint64_t seed) {
  (void)seed;
  uv_loop_t* loop = process_loop();
  uv_async_init(loop, &g_async, drain);
  g_count = 0;
  g_n = n;
  double t0 = now_seconds();
  pthread_t thread;
  pthread_create(&thread, NULL, producer, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
  double s = now_seconds() - t0;
  pthread_join(thread, NULL);
  check(g_count == n, "callbacks run", g_count, n);
  close_handles(loop);
  return (result_t){n, s};
}

typedef struct {
  const char* name;
  result_t (*run)(long long n, uint64_t seed); /* NULL: n/a */
  const char* note;
} entry_t;

static const entry_t kTable[] = {
    {"call_soon_batch", call_soon_batch,
     "no call_soon in libuv; nearest form: one uv_idle_t per callback, stopped by its callback"},
    {"call_soon_chain", call_soon_chain, "one uv_idle_t; its callback stops and restarts it"},
    {"timers", timers, "uv_timer_t; uv_timer_stop; whole-millisecond delays 0..9"},
    {"timer_churn", timer_churn, "uv_timer_stop + uv_timer_start"},
    {"cross_thread", cross_thread,
     "no thread-safe call_soon in libuv; mutex-protected queue + uv_async_send"},
    {"task_spawn", NULL, "libuv has no tasks"},
    {"task_pingpong", NULL, "libuv has no tasks"},
};

static void usage(const char* prog) {
  fprintf(stderr, "usage: %s <workload> [--n N] [--seed S]\nworkloads:", prog);
  for (size_t i = 0; i < sizeof kTable / sizeof kTable[0]; ++i) fprintf(stderr, " %s", kTable[i].name);
  fprintf(stderr, "\n");
  exit(2);
}

int main(int argc, char** argv) {
  if (argc < 2) usage(argv[0]);
  const entry_t* e = NULL;
  for (size_t i = 0; i < sizeof kTable / sizeof kTable[0]; ++i)
    if (strcmp(argv[1], kTable[i].name) == 0) e = &kTable[i];
  if (e == NULL) usage(argv[0]);
  long long n = -1;
  uint64_t seed = 1;
  for (int i = 2; i < argc; ++i) {
    if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
      n = strtoll(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
      seed = strtoull(argv[++i], NULL, 10);
    else
      usage(argv[0]);
  }
  g_workload = e->name;
  if (e->run == NULL) {
    printf("{\"workload\": \"%s\", \"implementation\": \"libuv\", \"status\": \"n/a\", "
           "\"note\": \"%s\"}\n",
           e->name, e->note);
    return 0;
  }
  if (n <= 0) {
    fprintf(stderr, "%s: --n N is required (N > 0)\n", argv[0]);
    return 2;
  }
  result_t cold = e->run(n, seed);
  result_t r = e->run(n, seed);
  printf("{\"workload\": \"%s\", \"implementation\": \"libuv\", \"status\": \"ok\", \"n\": %lld, "
         "\"items\": %lld, \"seconds\": %.9g, \"items_per_second\": %.6g, \"cold_seconds\": %.9g, "
         "\"note\": \"%s\"}\n",
         e->name, n, r.items, r.seconds, (double)r.items / r.seconds, cold.seconds, e->note);
  return 0;
}
