// SPDX-License-Identifier: GPL-2.0-or-later
/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The five libudev functions that the static libndctl calls (ndctl_new() and
 * ndctl_wait_probe(), "wait for the udev event queue to drain"), so that the
 * static binary needs no libudev/systemd.
 *
 * Semantics are those of libudev's udev-queue: the queue is empty when
 * /run/udev/queue does not exist. In early boot, before (or without) udevd,
 * that file does not exist, so the answer is "empty" and nothing waits.
 *
 * Standalone: needs only libc, declares its own prototypes (they match
 * <libudev.h>), e.g.  cc -O2 -c src/udev_queue.c
 */
#include <stddef.h>
#include <unistd.h>

struct udev {
	int unused;
};

struct udev_queue {
	struct udev *udev;
};

struct udev *udev_new(void);
struct udev *udev_unref(struct udev *udev);
struct udev_queue *udev_queue_new(struct udev *udev);
struct udev_queue *udev_queue_unref(struct udev_queue *udev_queue);
int udev_queue_get_queue_is_empty(struct udev_queue *udev_queue);

/* One context is all a process needs; nothing is allocated, so nothing can fail. */
static struct udev the_udev;
static struct udev_queue the_queue = { &the_udev };

struct udev *udev_new(void)
{
	return &the_udev;
}

struct udev *udev_unref(struct udev *udev)
{
	(void)udev;
	return NULL;
}

struct udev_queue *udev_queue_new(struct udev *udev)
{
	return udev ? &the_queue : NULL;
}

struct udev_queue *udev_queue_unref(struct udev_queue *udev_queue)
{
	(void)udev_queue;
	return NULL;
}

int udev_queue_get_queue_is_empty(struct udev_queue *udev_queue)
{
	(void)udev_queue;
	return access("/run/udev/queue", F_OK) < 0;
}
