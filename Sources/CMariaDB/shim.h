#include <stddef.h>
#include <mysql.h>
/* mysql_library_init is a macro, invisible to Swift. */
static inline int s2pg_mysql_library_init(void) { return mysql_server_init(0, NULL, NULL); }
