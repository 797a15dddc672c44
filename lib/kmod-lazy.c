// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libkmod, loaded the first time it is used. Linked in, libkmod and what it
 * pulls in (libcrypto, libzstd, liblzma) cost every process about a
 * millisecond of loading and relocation before main(), and most runs (every
 * listing, the path libvirt takes on each mdev event) never look a module
 * up. The functions of libkmod.h that the library calls are defined here
 * with libkmod's own names and prototypes (the compiler checks them against
 * the header), each forwarding to libkmod.so.2 opened on the first call; so
 * driver.c and write.c call libkmod as usual. Without libkmod.so.2 a
 * lookup finds nothing (kmod_new() returns NULL, as on its own failure).
 *
 * A function of libkmod.h called elsewhere in lib/ needs its line in
 * FORWARD_ALL below (the link, -Wl,--no-undefined, says which).
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <libkmod.h>

#define LIBKMOD_SONAME "libkmod.so.2"

/* X(return type, name, (parameters), (arguments), value without libkmod) */
#define FORWARD_ALL(X)                                                                  \
	X(struct kmod_ctx *, kmod_new, (const char *dirname, const char *const *config_paths), \
	  (dirname, config_paths), NULL)                                                \
	X(struct kmod_ctx *, kmod_unref, (struct kmod_ctx *ctx), (ctx), NULL)            \
	X(int, kmod_module_new_from_lookup,                                              \
	  (struct kmod_ctx *ctx, const char *given_alias, struct kmod_list **list),     \
	  (ctx, given_alias, list), -ENOSYS)                                            \
	X(struct kmod_list *, kmod_list_next,                                            \
	  (const struct kmod_list *list, const struct kmod_list *curr), (list, curr), NULL) \
	X(struct kmod_module *, kmod_module_get_module, (const struct kmod_list *entry), \
	  (entry), NULL)                                                                \
	X(const char *, kmod_module_get_path, (const struct kmod_module *mod), (mod), NULL) \
	X(const char *, kmod_module_get_name, (const struct kmod_module *mod), (mod), NULL) \
	X(int, kmod_module_get_initstate, (const struct kmod_module *mod), (mod), -ENOSYS) \
	X(struct kmod_module *, kmod_module_unref, (struct kmod_module *mod), (mod), NULL) \
	X(int, kmod_module_unref_list, (struct kmod_list *list), (list), -ENOSYS)        \
	X(int, kmod_module_get_info, (const struct kmod_module *mod, struct kmod_list **list), \
	  (mod, list), -ENOSYS)                                                         \
	X(const char *, kmod_module_info_get_key, (const struct kmod_list *entry), (entry), NULL) \
	X(const char *, kmod_module_info_get_value, (const struct kmod_list *entry), (entry), \
	  NULL)                                                                         \
	X(int, kmod_module_probe_insert_module,                                          \
	  (struct kmod_module *mod, unsigned int flags, const char *extra_options,      \
	   int (*run_install)(struct kmod_module *m, const char *cmdline, void *data),  \
	   const void *data,                                                            \
	   void (*print_action)(struct kmod_module *m, bool install, const char *options)), \
	  (mod, flags, extra_options, run_install, data, print_action), -ENOSYS)

#define POINTER(ret, name, params, args, none) ret(*name) params;
static struct {
	FORWARD_ALL(POINTER)
	void (*info_free_list)(struct kmod_list *list);
} real;

static pthread_once_t loaded = PTHREAD_ONCE_INIT;

/* all of them or none: a libkmod without one of them is not used */
static void load(void)
{
	void *handle = dlopen(LIBKMOD_SONAME, RTLD_NOW | RTLD_LOCAL);
	bool all = handle != NULL;

	if (!handle)
		return;
#define RESOLVE(ret, name, params, args, none) \
	all = all && (*(void **)&real.name = dlsym(handle, #name)) != NULL;
	FORWARD_ALL(RESOLVE)
	all = all && (*(void **)&real.info_free_list = dlsym(handle, "kmod_module_info_free_list"));
	if (!all) {
#define CLEAR(ret, name, params, args, none) real.name = NULL;
		FORWARD_ALL(CLEAR)
		real.info_free_list = NULL;
		dlclose(handle);
	}
}

#define DEFINE(ret, name, params, args, none) \
	ret name params                         \
	{                                       \
		pthread_once(&loaded, load);    \
		return real.name ? real.name args : none; \
	}
FORWARD_ALL(DEFINE)

void kmod_module_info_free_list(struct kmod_list *list)
{
	pthread_once(&loaded, load);
	if (real.info_free_list)
		real.info_free_list(list);
}
