// SPDX-License-Identifier: GPL-2.0-or-later
/* daxwrite DEV FILE: copies FILE to the start of a device-dax character device. Device-dax has no
 * read(2)/write(2), only mmap(2), so busybox dd can't do it. For the boot tests (built static with
 * the project's toolchain by TEST-release.sh). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: daxwrite DEV FILE\n");
    return 2;
  }
  const int in = open(argv[2], O_RDONLY);
  struct stat st;
  if (in < 0 || fstat(in, &st) != 0) return perror(argv[2]), 1;
  const size_t align = 2u << 20; /* mappings of a 2 MiB-aligned device-dax must be 2 MiB multiples */
  const size_t len = ((size_t)st.st_size + align - 1) / align * align;
  const int dev = open(argv[1], O_RDWR);
  if (dev < 0) return perror(argv[1]), 1;
  char* map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, dev, 0);
  if (map == MAP_FAILED) return perror("mmap"), 1;
  size_t done = 0;
  while (done < (size_t)st.st_size) {
    const ssize_t n = read(in, map + done, (size_t)st.st_size - done);
    if (n <= 0) return perror("read"), 1;
    done += (size_t)n;
  }
  /* No msync: device-dax refuses it (EINVAL); the stores are in memory already. */
  return munmap(map, len) == 0 ? 0 : (perror("munmap"), 1);
}
