/**
 * Bulk copies through BitTorrent: the web-seed layout every node answers (BEP 19, straight from
 * the files it holds), the torrent a node hands out with its current web seeds, and the check of a
 * finished download against the signed metadata. Bencoding and the torrent's shape are in
 * {@code archive}; the torrent is built and signed at publish time in {@code repo}.
 */
package org.samizdat.torrent;
