//! AV1 open bitstream units as rav1e writes them (each with its size field).

pub const SEQUENCE_HEADER: u8 = 1;
pub const TEMPORAL_DELIMITER: u8 = 2;

/// The unit's type.
pub fn kind(obu: &[u8]) -> u8 {
    (obu[0] >> 3) & 0x0f
}

/// The whole units (header included) of a packet.
pub fn split(mut buf: &[u8]) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        let first = *buf.first()?;
        let header = 1 + usize::from(first & 0x04 != 0); // the extension byte
                                                         // The size field: LEB128 after the header.
        let (mut size, mut at) = (0usize, header);
        loop {
            let byte = *buf.get(at)?;
            size |= usize::from(byte & 0x7f) << (7 * (at - header));
            at += 1;
            if byte & 0x80 == 0 {
                break;
            }
        }
        let end = (at + size).min(buf.len());
        let (unit, rest) = buf.split_at(end);
        buf = rest;
        Some(unit)
    })
}
