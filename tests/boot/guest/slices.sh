# SPDX-License-Identifier: GPL-2.0-or-later
# test.run=slices (sourced by the test init): each /dev/pmemreclaim link and its device as the kernel
# reports it, one line per link:
#   @@slice NAME DEVICE RESOURCE SIZE ALIGN DRIVER      ("-" for what sysfs does not show; a pmemN block
#                                                       device: its namespace's resource and size, align -)
# and every dax device of the soft-reserved regions:
#   @@slice_dax DEVICE RESOURCE SIZE ALIGN DRIVER
# shellcheck shell=dash
dax_line() {  # dax_line DEVICE: RESOURCE SIZE ALIGN DRIVER of a dax device
  s=/sys/bus/dax/devices/$1
  drv=-; [ -e "$s/driver" ] && drv=$(basename "$(readlink "$s/driver")")
  echo "$(cat "$s/resource" 2>/dev/null || echo -) $(cat "$s/size" 2>/dev/null || echo -)" \
    "$(cat "$s/align" 2>/dev/null || echo -) $drv"
}
pmem_line() {  # pmem_line pmemN: RESOURCE SIZE - DRIVER of its namespace
  s=/sys/class/block/$1/device
  drv=-; [ -e "$s/driver" ] && drv=$(basename "$(readlink "$s/driver")")
  echo "$(cat "$s/resource" 2>/dev/null || echo -) $(cat "$s/size" 2>/dev/null || echo -) - $drv"
}
for l in /dev/pmemreclaim/*; do
  [ -L "$l" ] || continue
  d=$(basename "$(readlink "$l")")
  case "$d" in
    pmem*) say "slice $(basename "$l") $d $(pmem_line "$d")" ;;
    *) say "slice $(basename "$l") $d $(dax_line "$d")" ;;
  esac
done
for d in /sys/bus/dax/devices/*; do
  [ -e "$d/size" ] && [ "$(cat "$d/size")" != 0 ] && say "slice_dax $(basename "$d") $(dax_line "$(basename "$d")")"
done
