/* The libmariadb peer of the snapshot's reader: streams one SELECT with MariaDB Connector/C
 * (mysql_real_query + mysql_use_result: row by row, nothing buffered) and touches every field,
 * as the text protocol hands it over. mysql-connector-c++ 1.1 reads through the same kind of
 * client library and adds an object per row, so this is the faster of the two library options.
 * Prints one JSON line: rows, bytes (field bytes), wall and CPU seconds.
 *   starcdc_bench_select_fetch HOST PORT USER PASSWORD SQL */
#include <mariadb/mysql.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char** argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s HOST PORT USER PASSWORD SQL\n", argv[0]);
    return 2;
  }
  MYSQL* db = mysql_init(NULL);
  unsigned int ssl = 0;
  mysql_optionsv(db, MYSQL_OPT_SSL_ENFORCE, &ssl);
  if (!mysql_real_connect(db, argv[1], argv[3], argv[4], NULL, (unsigned)atoi(argv[2]), NULL, 0)) {
    fprintf(stderr, "connect: %s\n", mysql_error(db));
    return 1;
  }
  const double t0 = now_s();
  const double c0 = cpu_s();
  if (mysql_real_query(db, argv[5], (unsigned long)strlen(argv[5])) != 0) {
    fprintf(stderr, "query: %s\n", mysql_error(db));
    return 1;
  }
  MYSQL_RES* res = mysql_use_result(db);
  const unsigned int fields = mysql_num_fields(res);
  uint64_t rows = 0;
  uint64_t bytes = 0;
  uint64_t touch = 0;
  MYSQL_ROW row;
  while ((row = mysql_fetch_row(res)) != NULL) {
    const unsigned long* len = mysql_fetch_lengths(res);
    for (unsigned int i = 0; i < fields; ++i) {
      bytes += len[i];
      if (row[i] != NULL && len[i] > 0) {
        touch += (unsigned char)row[i][0];
      }
    }
    ++rows;
  }
  if (mysql_errno(db) != 0) {
    fprintf(stderr, "fetch: %s\n", mysql_error(db));
    return 1;
  }
  mysql_free_result(res);
  printf("{\"rows\":%llu,\"bytes\":%llu,\"wall_s\":%.4f,\"cpu_s\":%.4f,\"touch\":%llu}\n",
         (unsigned long long)rows, (unsigned long long)bytes, now_s() - t0, cpu_s() - c0,
         (unsigned long long)touch);
  mysql_close(db);
  return 0;
}
