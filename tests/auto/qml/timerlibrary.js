// SPDX-License-Identifier: MIT
// A `.pragma library` helper (one copy per engine, no QML context): the timers are global.
.pragma library

function later(ms, value) {
    return new Promise(resolve => setTimeout(resolve, ms, value));
}

function backoff(attempt, connect) {
    return setTimeout(connect, Math.min(1000, 10 * Math.pow(2, attempt)));
}
