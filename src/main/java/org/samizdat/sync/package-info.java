/**
 * Mirror replication: fetch from an untrusted upstream over HTTP, run the TUF update cycle
 * against the publisher's keys, download missing documents verified against their signed length
 * and hash, and make the new version visible atomically (documents, metadata, timestamp last).
 */
package org.samizdat.sync;
