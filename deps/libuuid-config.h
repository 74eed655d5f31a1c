/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The configure results libuuid's sources read (deps/build.sh compiles util-linux 2.41.5's libuuid with this
 * header in place of meson's config.h). Made from the config.h that meson 1.0.1 wrote for util-linux 2.41.5
 * with the pinned zig (musl), the same for x86_64-linux-musl and aarch64-linux-musl: its lines for the macros
 * that the 14 libuuid sources and the headers they include name, nothing else. With it the objects' code is
 * that of meson's build (the same disassembly; only debug paths differ). Remake it the same way when
 * util-linux or zig changes. */
#undef ENABLE_NLS
#define HAVE_DIRFD 1
#define HAVE_ERR 1
#define HAVE_ERRX 1
#define HAVE_ERR_H 1
#define HAVE_EXPLICIT_BZERO 1
#undef HAVE_GETEXECNAME
#define HAVE_GETRANDOM 1
#define HAVE_JRAND48 1
#undef HAVE_LANGINFO_ALTMON
#define HAVE_LANGINFO_H 1
#undef HAVE_LANGINFO_NL_ABALTMON
#define HAVE_LIBPTHREAD 1
#define HAVE_LOCALE_H 1
#undef HAVE_LOFF_T
#define HAVE_MEMPCPY 1
#define HAVE_NANOSLEEP 1
#define HAVE_NETINET_IN_H 1
#undef HAVE_NET_IF_DL_H
#define HAVE_NET_IF_H 1
#define HAVE_PROGRAM_INVOCATION_SHORT_NAME 1
#define HAVE_REALLOCARRAY 1
#define HAVE_SENDFILE 1
#define HAVE_SRANDOM 1
#define HAVE_STDLIB_H 1
#undef HAVE_STRNCHR
#define HAVE_STRNDUP 1
#define HAVE_STRNLEN 1
#define HAVE_STRUCT_STAT_ST_MTIM_TV_NSEC 1
#define HAVE_SYS_FILE_H 1
#define HAVE_SYS_IOCTL_H 1
#define HAVE_SYS_SENDFILE_H 1
#define HAVE_SYS_SOCKET_H 1
#undef HAVE_SYS_SOCKIO_H
#define HAVE_SYS_SYSCALL_H 1
#define HAVE_SYS_SYSMACROS_H 1
#define HAVE_SYS_TIME_H 1
#define HAVE_SYS_UN_H 1
#define HAVE_TIMEGM 1
#define HAVE_TLS 1
#define HAVE_UNISTD_H 1
#define HAVE_USLEEP 1
#undef HAVE_UUIDD
#define HAVE_WARN 1
#define HAVE_WARNX 1
#define HAVE___PROGNAME 1
#define PACKAGE_STRING "util-linux 2.41.5"
#define _PATH_LOCALSTATEDIR "/var"
#define _PATH_RUNSTATEDIR "/run"
