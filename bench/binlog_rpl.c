/* The libmariadb peer of bench/binlog: reads one binlog file from a live server with
 * MariaDB Connector/C's replication API (mariadb_rpl_open / mariadb_rpl_fetch, non-blocking dump
 * from position 4) and stops at the file's closing ROTATE. `fetch` mode only fetches (and the
 * library parses each event's header and post-header): the transport floor. `extract` mode also
 * turns every rows event into values with mariadb_rpl_extract_rows and touches each value.
 * Prints one JSON line: events, rows, bytes, wall and CPU seconds.
 *   starcdc_bench_binlog_rpl HOST PORT USER PASSWORD FILE fetch|extract
 * Quirks of Connector/C 3.3 met here: announce the server's checksum (with NONE the library
 * cuts 4 bytes off the artificial ROTATE's file name); mariadb_rpl_fetch(rpl, ev) frees `ev` when
 * it returns NULL; a kept TABLE_MAP's strings point into its own buffer, so the next events are
 * fetched into another event object. */
/* mariadb_rpl.h needs the types of mysql.h. */
/* clang-format off */
#include <mariadb/mysql.h>
#include <mariadb/mariadb_rpl.h>
/* clang-format on */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define REPLICA_SERVER_ID 4244
/* mariadb_rpl_extract_rows() came with Connector/C 3.3. */
#define HAVE_EXTRACT_ROWS (MARIADB_PACKAGE_VERSION_ID >= 30300)

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int fail(MYSQL* my, const char* what) {
  fprintf(stderr, "starcdc_bench_binlog_rpl: %s: %s\n", what, mysql_error(my));
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 7) {
    fputs("usage: starcdc_bench_binlog_rpl HOST PORT USER PASSWORD FILE fetch|extract\n", stderr);
    return 2;
  }
  const char* file = argv[5];
  const int extract = strcmp(argv[6], "extract") == 0;
#if !HAVE_EXTRACT_ROWS
  if (extract) {
    printf(
        "{\"mode\":\"extract\",\"unavailable\":\"mariadb_rpl_extract_rows is not in "
        "Connector/C %s\"}\n",
        MARIADB_PACKAGE_VERSION);
    return 0;
  }
#endif
  uint64_t events = 0, rows = 0, values = 0, bytes = 0, checksum = 0;

  const double cpu0 = cpu_s();
  const double t0 = now_s();
  MYSQL* my = mysql_init(NULL);
  if (!mysql_real_connect(my, argv[1], argv[3], argv[4], NULL, (unsigned)atoi(argv[2]), NULL, 0)) {
    return fail(my, "connect");
  }
  if (mysql_query(my,
                  "SET @master_binlog_checksum = @@global.binlog_checksum, "
                  "@mariadb_slave_capability = 4")) {
    return fail(my, "set");
  }
  MARIADB_RPL* rpl = mariadb_rpl_init(my);
  mariadb_rpl_optionsv(rpl, MARIADB_RPL_FILENAME, file, strlen(file));
  mariadb_rpl_optionsv(rpl, MARIADB_RPL_START, (unsigned long)4); /* va_arg is unsigned long */
  mariadb_rpl_optionsv(rpl, MARIADB_RPL_SERVER_ID, REPLICA_SERVER_ID);
  mariadb_rpl_optionsv(rpl, MARIADB_RPL_FLAGS, MARIADB_RPL_BINLOG_DUMP_NON_BLOCK);
  if (mariadb_rpl_open(rpl)) {
    return fail(my, "mariadb_rpl_open");
  }
  const int verify = rpl->verify_checksum;
  MARIADB_RPL_EVENT *ev = NULL, *tm = NULL;
  while ((ev = mariadb_rpl_fetch(rpl, ev))) {
    ++events;
    bytes += ev->raw_data_size;
    if (ev->event_type == ROTATE_EVENT && ev->timestamp != 0) {
      break; /* the file's closing ROTATE (the dump's first one is artificial, timestamp 0) */
    }
    if (!extract) {
      continue;
    }
    if (ev->event_type == TABLE_MAP_EVENT) {
      if (tm) {
        mariadb_free_rpl_event(tm);
      }
      tm = ev;
      ev = NULL;
      continue;
    }
#if HAVE_EXTRACT_ROWS
    if (IS_ROW_EVENT(ev) && tm) {
      for (MARIADB_RPL_ROW* r = mariadb_rpl_extract_rows(rpl, tm, ev); r; r = r->next) {
        for (uint32_t i = 0; i < r->column_count; ++i) {
          const MARIADB_RPL_VALUE* v = &r->columns[i];
          checksum += v->val.ull + (uint64_t)v->is_null + (uint64_t)v->field_type;
        }
        values += r->column_count;
        ++rows;
      }
    }
#endif
  }
  if (mariadb_rpl_errno(rpl) != 0) {
    fprintf(stderr, "starcdc_bench_binlog_rpl: fetch: %s\n", mariadb_rpl_error(rpl));
    return 1;
  }
  if (ev) {
    mariadb_free_rpl_event(ev);
  }
  if (tm) {
    mariadb_free_rpl_event(tm);
  }
  mariadb_rpl_close(rpl);
  mysql_close(my);
  const double wall = now_s() - t0;
  const double cpu = cpu_s() - cpu0;
  printf(
      "{\"mode\":\"%s\",\"events\":%llu,\"rows\":%llu,\"values\":%llu,\"bytes\":%llu,"
      "\"seconds\":%.6f,\"cpu_seconds\":%.6f,\"verify_checksum\":%d,\"checksum\":%llu,"
      "\"connector\":\"%s\"}\n",
      extract ? "extract" : "fetch", (unsigned long long)events, (unsigned long long)rows,
      (unsigned long long)values, (unsigned long long)bytes, wall, cpu, verify,
      (unsigned long long)checksum, MARIADB_PACKAGE_VERSION);
  return 0;
}
