// SPDX-License-Identifier: LGPL-2.1-or-later
/* The public header stands alone in strict C99. */
#include <libvmdev.h>

int main(void)
{
	char addr[VMDEV_PCI_ADDR_LEN];

	return vmdev_parse_pci_address("00:02.0", addr) == 0 ? 0 : 1;
}
