// SPDX-License-Identifier: MIT
/*
 * Persistent mdevs through the library: with PARENT and TYPE, store a new
 * definition (a random UUID, started at boot, with the NAME=VALUE vendor
 * attributes in order) in /etc/mdevctl.d under the context's root, the
 * files mdevctl and libvirt use; then list every definition, whether it
 * runs, and every file that could not be read.
 *
 *   cc define-mdev.c $(pkg-config --cflags --libs libvmdev) -o define-mdev
 *   VMDEV_ROOT=/some/tree ./define-mdev matrix vfio_ap-passthrough assign_adapter=5
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvmdev.h>

static int define(struct vmdev_ctx *ctx, int argc, char **argv)
{
	struct vmdev_definition *def;
	int r;

	r = vmdev_definition_new(ctx, NULL, argv[1], argv[2], &def);
	if (r == 0)
		r = vmdev_definition_set_start(def, VMDEV_START_AUTO);
	for (int i = 3; r == 0 && i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq) {
			fprintf(stderr, "define-mdev: %s is not NAME=VALUE\n", argv[i]);
			return 2;
		}
		*eq = '\0';
		r = vmdev_definition_append_attr(def, argv[i], eq + 1);
	}
	if (r == 0)
		r = vmdev_definition_save(def); /* atomic: a reader sees old or new */
	if (r < 0) {
		fprintf(stderr, "define-mdev: %s\n", strerror(-r));
		return r == -EINVAL ? 2 : 1;
	}
	printf("defined %s\n", vmdev_definition_get_uuid(def));
	return 0;
}

int main(int argc, char **argv)
{
	struct vmdev_definition_error *error;
	struct vmdev_definition *def;
	struct vmdev_ctx *ctx;
	int r, status = 0;

	if (argc == 2 || (argc > 1 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: define-mdev [PARENT TYPE [NAME=VALUE...]]\n");
		return 2;
	}
	r = vmdev_new(&ctx);
	if (r < 0) {
		fprintf(stderr, "define-mdev: %s\n", strerror(-r));
		return 1;
	}
	if (argc > 2)
		status = define(ctx, argc, argv);
	vmdev_definition_foreach(ctx, def) {
		printf("%s %s %s %s %s", vmdev_definition_get_uuid(def),
		       vmdev_definition_get_parent(def), vmdev_definition_get_type(def),
		       vmdev_definition_get_start(def) == VMDEV_START_AUTO ? "auto" : "manual",
		       vmdev_definition_is_active(def) ? "active" : "inactive");
		for (size_t i = 0; i < vmdev_definition_get_attr_count(def); i++)
			printf(" %s=%s", vmdev_definition_get_attr_name(def, i),
			       vmdev_definition_get_attr_value(def, i));
		printf("\n");
	}
	/* a malformed file never hides the others: it is reported on its own */
	vmdev_definition_error_foreach(ctx, error)
		printf("unreadable %s (problem %d)\n", vmdev_definition_error_get_path(error),
		       (int)vmdev_definition_error_get_problem(error));
	vmdev_unref(ctx);
	return status;
}
