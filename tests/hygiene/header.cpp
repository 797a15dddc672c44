// SPDX-License-Identifier: LGPL-2.1-or-later
/* The public header compiles as C++ and links with C linkage. */
#include <libvmdev.h>

int main()
{
	char uuid[VMDEV_UUID_LEN];

	return vmdev_parse_uuid("83B8F4F2-509F-382F-3C1E-E6BFE0FA1001", uuid) == 0 ? 0 : 1;
}
