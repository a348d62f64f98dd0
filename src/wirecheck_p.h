// SPDX-License-Identifier: MIT
#pragma once

// What the server really sent, read from the bytes themselves. QWebSocket (Qt 6.4 to 6.11) gives
// no signal that tells a peer's close frame from its own protocol close, turns valid close codes
// (1012-1014) into 1002, reads an empty close frame as 1000, and lets a masked frame or an
// extension it never offered through. WireCheck reads, after Qt, every byte Qt consumed from its
// socket: a read transaction (QIODevice::startTransaction, public API) keeps them in the
// socket's buffer until catchUp() takes them, and the device is then where Qt left it.
//
// It checks the handshake response (HTTP, headers' size, extensions) and every frame header
// (RFC 6455 5.2-5.5), keeps the server's close frame as sent, and names the first violation.
// UTF-8 in text messages is Qt's to check (it closes with 1007): we do not decode twice.

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <optional>

class QIODevice;

class WireCheck
{
public:
    struct CloseFrame
    {
        int code = 1005; // RFC 6455 7.1.5: no status code in the frame
        QString reason;
    };
    // The limit of a handshake response's status line and headers (Chrome's: 256 KiB).
    static constexpr qsizetype maxResponseHeaderSize = 256 * 1024;
    // How far past Qt's position checkAhead() reads: many small messages, or a large one's
    // header and the start of its payload.
    static constexpr qsizetype aheadWindow = 2048;

    // Starts reading what Qt reads from `device` (the socket, once TCP is connected). Again
    // after Qt connected the socket anew (a 401 with "Connection: close"): the new connection's
    // response is read from its start.
    void watch(QIODevice *device);
    bool isWatching() const { return m_device != nullptr; }
    // Takes in what Qt consumed since the last call. False when the server broke the protocol
    // (see violation()). Cheap when Qt consumed nothing.
    bool catchUp();
    // While the handshake runs: checks the bytes Qt has not consumed yet (it waits for the whole
    // response), so that an answer that is not HTTP, or headers without end, fail at once.
    bool checkPendingResponse();
    // Reads on into what Qt has not consumed yet (up to aheadWindow bytes past Qt's position):
    // returns how many whole messages there passed the checks (Qt emits them in this read, and
    // they need no catching up), and finds a violation ahead, where Qt stopped at a fault of
    // its own finding.
    int checkAhead();
    // A message has begun and not ended: a frame in our reading or in bytes Qt left unread, or a
    // fragmented message waiting for its next fragment (Qt 6.4-6.11 time that out too).
    bool isMidMessage() const;

    const QString &violation() const { return m_violation; }
    const std::optional<CloseFrame> &closeFrame() const { return m_close; }
    bool handshakeRead() const { return m_step != Step::Response; }

    // The handshake response, once read (Qt consumes it whole).
    int statusCode() const { return m_statusCode; }
    const QByteArray &statusLine() const { return m_statusLine; }
    QByteArray header(const QByteArray &lowerCaseName) const;
    // All of them, for onOpen's `header`: names as sent (the first spelling of each), values
    // Latin-1 as browsers read header bytes; a repeated header joined with ", " (RFC 9110
    // 5.3), but Set-Cookie, which cannot be joined (RFC 6265 3), a QStringList.
    QVariantMap responseHeaders() const;
    // Why Qt refused the response, in our words; empty when we see nothing wrong with it.
    QString handshakeProblem(const QStringList &requestedProtocols) const;
    // What Qt accepted and RFC 6455 does not; empty when the response is fine. Lets go of the
    // response: nothing asks about it once the connection is open.
    QString acceptedResponseProblem();

private:
    enum class Step { Response, Header, Payload, Ignore };

    void read(const char *data, qsizetype size);
    qsizetype readResponse(const char *data, qsizetype size);
    qsizetype readHeader(const char *data, qsizetype size);
    bool firstBytesPass();
    void headerDone();
    // The header passed: `length` bytes of payload come next (a close frame's are kept).
    void payloadFollows(quint64 length, bool endsMessage, bool keep);
    void frameDone();
    void fail(const QString &why);

    QIODevice *m_device = nullptr;
    Step m_step = Step::Response;
    QByteArray m_response; // the handshake response, until its end
    QByteArray m_statusLine;
    int m_statusCode = 0;
    // A 401 that Qt (6.6+) may answer with credentials on the same connection: its body is
    // skipped, and the next response read in its place. (Qt 6.4-6.5 fail at the 401.)
    qint64 m_bodyLeft = 0;
    bool m_nextResponse = false;

    // The frame being read.
    unsigned char m_header[14];
    int m_headerSize = 0; // bytes of m_header read
    quint64 m_payloadLeft = 0;
    bool m_keepPayload = false; // a close frame's payload is kept
    QByteArray m_controlPayload;
    bool m_insideMessage = false; // a fragmented data message has begun
    bool m_frameEndsMessage = false; // the frame being read is a message's last
    int m_messagesRead = 0; // whole messages read, for checkAhead
    qint64 m_parsedAhead = 0; // bytes past Qt's position that checkAhead() read

    QString m_violation;
    std::optional<CloseFrame> m_close;
};
