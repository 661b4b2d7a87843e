/*
 * The ipc:// listener watchdog. nng 1.5.2 (issue 1518) stops accepting on
 * an ipc:// listener after a peer drops during the SP negotiation; the
 * server notices by probing each ipc listener and restores a dead one.
 */
#ifndef HOPTAC_IPCWATCH_H
#define HOPTAC_IPCWATCH_H

/* Connects to the ipc listener at url ("ipc:///path") as a REQ peer and
 * completes the SP header exchange, waiting up to timeout_ms. Returns the
 * connected descriptor (the caller closes it once it has seen the pipe
 * reach the socket), or -1. Completing the exchange before closing keeps
 * the probe from tripping the very bug it looks for. */
int ipcwatch_connect(const char *url, int timeout_ms);

#endif
