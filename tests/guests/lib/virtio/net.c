/*
 * tests/guests/lib/virtio/net.c - the test guests' virtio-net driver on
 * the transport of mmio.c: the NIC at the second virtio-mmio window,
 * polled: receive buffers posted once and given back as they are read,
 * one frame sent at a time. Linked only into the network guests
 * (tests/guests/guests.mk: virtio-net, uplink-ping).
 * Runs in the guest (see virtio.h).
 * virtio 1.1 spec: "Network Device" ("Device configuration layout",
 * "Setting Up Receive Buffers", "Packet Transmission").
 */
#include "lib/fmt.h"
#include "lib/string.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/virtio.h"

#define NET_S_LINK_UP 1 /* "Device configuration layout": status */

const struct vio_dev vio_nic = {VIO_NET_WINDOW, VIO_ID_NET, "virtio-net"};
struct vio_queue vio_net_q[2] __attribute__((aligned(4096)));
uint8_t vio_net_rx[VIO_QSIZE][VIO_NET_BUF] __attribute__((aligned(16)));
uint8_t vio_net_tx[VIO_NET_BUF] __attribute__((aligned(16)));
uint8_t vio_net_mac[6];

/* Receive buffer i: one device-writable descriptor of VIO_NET_BUF. */
void vio_net_post_rx(uint16_t i)
{
	vio_net_q[VIO_NET_RXQ].desc[i] = (struct vio_desc){
		(uint32_t)vio_net_rx[i], VIO_NET_BUF, VIO_DESC_WRITE, 0};
	vio_queue_put(&vio_net_q[VIO_NET_RXQ], i);
}

int vio_net_init(bool *link_up)
{
	uint32_t w0, w1;

	if (vio_dev_probe(&vio_nic))
		return -1;
	memset(vio_net_q, 0, sizeof(vio_net_q));
	if (vio_dev_negotiate(&vio_nic, VIO_NET_F_MAC, 0) ||
	    vio_queue_setup(&vio_nic, VIO_NET_RXQ, &vio_net_q[VIO_NET_RXQ]) ||
	    vio_queue_setup(&vio_nic, VIO_NET_TXQ, &vio_net_q[VIO_NET_TXQ]))
		return -1;
	for (uint16_t i = 0; i < VIO_QSIZE; i++)
		vio_net_post_rx(i);
	vio_dev_driver_ok(&vio_nic);
	/* mac[6], then status (le16) */
	w0 = vio_dev_read(&vio_nic, VIO_CONFIG);
	w1 = vio_dev_read(&vio_nic, VIO_CONFIG + 4);
	for (unsigned i = 0; i < 4; i++)
		vio_net_mac[i] = (uint8_t)(w0 >> (8 * i));
	vio_net_mac[4] = (uint8_t)w1;
	vio_net_mac[5] = (uint8_t)(w1 >> 8);
	if (link_up)
		*link_up = (w1 >> 16) & NET_S_LINK_UP;
	return 0;
}

int vio_net_send(size_t len)
{
	struct vio_queue *vq = &vio_net_q[VIO_NET_TXQ];

	memset(vio_net_tx, 0, VIO_NET_HDR);
	vq->desc[0] = (struct vio_desc){(uint32_t)vio_net_tx,
					(uint32_t)(VIO_NET_HDR + len), 0, 0};
	return vio_queue_submit(&vio_nic, VIO_NET_TXQ, vq, 0, NULL);
}

void vio_mac_str(const uint8_t *m, char *s)
{
	fmt_snprintf(s, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		     m[3], m[4], m[5]);
}
