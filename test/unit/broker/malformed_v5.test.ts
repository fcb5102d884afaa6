/**
 * Malformed and unusual MQTT 5 properties in every packet a client sends: what mosquitto 2.0.11
 * answers, byte for byte (the DISCONNECT reason code, or none, or CONNACK), and whether it closes
 * the connection. The expectations were recorded from Debian's mosquitto 2.0.11, whose property
 * handling is upstream's; MOSQ_TEST_BROKER=debian replays them against it.
 *
 * Each case: a name (packet-propertyid, packet-dup-propertyid for a property given twice, or a
 * special case), whether the packet is sent after a successful CONNECT (else it is the CONNECT),
 * the packet, the bytes the broker sends back, and whether it then closes the connection. While
 * the connection stays open, a PINGREQ after the packet shows it has been dealt with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type RunningBroker } from '../helpers/broker.js';
import { packet, RawClient, type Packet } from '../helpers/mqtt_wire.js';

const CASES: [string, boolean, string, string, boolean][] = [
  ["connect-0", false, '101200044d5154540502003c0400000161000163', '', true],
  ["will-0", false, '101900044d5154540506003c000001630400000161000177000178', '', true],
  ["publish-0", true, '320b0001740001040000016178', 'e00181', true],
  ["subscribe-0", true, '820b0001040000016100017401', 'e00181', true],
  ["unsubscribe-0", true, 'a20a00010400000161000174', 'e00181', true],
  ["puback-0", true, '40080001000400000161', '', true],
  ["pubrec-0", true, '50080001000400000161', '', true],
  ["pubrel-0", true, '62080001000400000161', '', true],
  ["pubcomp-0", true, '70080001000400000161', '', true],
  ["disconnect-0", true, 'e006000400000161', '', true],
  ["auth-0", true, 'f006180400000161', '', true],
  ["connect-1", false, '101000044d5154540502003c020101000163', '', true],
  ["will-1", false, '101700044d5154540506003c00000163020101000177000178', '200900000622000a210014', false],
  ["publish-1", true, '3209000174000102010178', '4003000110', false],
  ["subscribe-1", true, '8209000102010100017401', 'e00181', true],
  ["unsubscribe-1", true, 'a2080001020101000174', 'e00181', true],
  ["puback-1", true, '4006000100020101', '', true],
  ["pubrec-1", true, '5006000100020101', '', true],
  ["pubrel-1", true, '6206000100020101', '', true],
  ["pubcomp-1", true, '7006000100020101', '', true],
  ["disconnect-1", true, 'e00400020101', '', true],
  ["auth-1", true, 'f00418020101', '', true],
  ["connect-2", false, '101300044d5154540502003c050200000001000163', '', true],
  ["will-2", false, '101a00044d5154540506003c00000163050200000001000177000178', '200900000622000a210014', false],
  ["publish-2", true, '320c000174000105020000000178', '4003000110', false],
  ["subscribe-2", true, '820c000105020000000100017401', 'e00181', true],
  ["unsubscribe-2", true, 'a20b0001050200000001000174', 'e00181', true],
  ["puback-2", true, '4009000100050200000001', '', true],
  ["pubrec-2", true, '5009000100050200000001', '', true],
  ["pubrel-2", true, '6209000100050200000001', '', true],
  ["pubcomp-2", true, '7009000100050200000001', '', true],
  ["disconnect-2", true, 'e00700050200000001', '', true],
  ["auth-2", true, 'f00718050200000001', '', true],
  ["connect-11", false, '101000044d5154540502003c020b01000163', '', true],
  ["will-11", false, '101700044d5154540506003c00000163020b01000177000178', '', true],
  ["publish-11", true, '32090001740001020b0178', '4003000110', false],
  ["subscribe-11", true, '82090001020b0100017401', '900400010001', false],
  ["unsubscribe-11", true, 'a2080001020b01000174', 'e00181', true],
  ["puback-11", true, '4006000100020b01', '', true],
  ["pubrec-11", true, '5006000100020b01', '', true],
  ["pubrel-11", true, '6206000100020b01', '', true],
  ["pubcomp-11", true, '7006000100020b01', '', true],
  ["disconnect-11", true, 'e00400020b01', '', true],
  ["auth-11", true, 'f00418020b01', '', true],
  ["connect-17", false, '101300044d5154540502003c051100000001000163', '200900000622000a210014', false],
  ["will-17", false, '101a00044d5154540506003c00000163051100000001000177000178', '', true],
  ["publish-17", true, '320c000174000105110000000178', 'e00181', true],
  ["subscribe-17", true, '820c000105110000000100017401', 'e00181', true],
  ["unsubscribe-17", true, 'a20b0001051100000001000174', 'e00181', true],
  ["puback-17", true, '4009000100051100000001', '', true],
  ["pubrec-17", true, '5009000100051100000001', '', true],
  ["pubrel-17", true, '6209000100051100000001', '', true],
  ["pubcomp-17", true, '7009000100051100000001', '', true],
  ["disconnect-17", true, 'e00700051100000001', 'e00182', true],
  ["auth-17", true, 'f00718051100000001', '', true],
  ["connect-21", false, '101200044d5154540502003c0415000161000163', '2003008c00', true],
  ["will-21", false, '101900044d5154540506003c000001630415000161000177000178', '', true],
  ["publish-21", true, '320b0001740001041500016178', 'e00181', true],
  ["subscribe-21", true, '820b0001041500016100017401', 'e00181', true],
  ["unsubscribe-21", true, 'a20a00010415000161000174', 'e00181', true],
  ["puback-21", true, '40080001000415000161', '', true],
  ["pubrec-21", true, '50080001000415000161', '', true],
  ["pubrel-21", true, '62080001000415000161', '', true],
  ["pubcomp-21", true, '70080001000415000161', '', true],
  ["disconnect-21", true, 'e006000415000161', '', true],
  ["auth-21", true, 'f006180415000161', '', true],
  ["connect-23", false, '101000044d5154540502003c021701000163', '200900000622000a210014', false],
  ["will-23", false, '101700044d5154540506003c00000163021701000177000178', '', true],
  ["publish-23", true, '3209000174000102170178', 'e00181', true],
  ["subscribe-23", true, '8209000102170100017401', 'e00181', true],
  ["unsubscribe-23", true, 'a2080001021701000174', 'e00181', true],
  ["puback-23", true, '4006000100021701', '', true],
  ["pubrec-23", true, '5006000100021701', '', true],
  ["pubrel-23", true, '6206000100021701', '', true],
  ["pubcomp-23", true, '7006000100021701', '', true],
  ["disconnect-23", true, 'e00400021701', '', true],
  ["auth-23", true, 'f00418021701', '', true],
  ["connect-35", false, '101100044d5154540502003c03230001000163', '', true],
  ["will-35", false, '101800044d5154540506003c0000016303230001000177000178', '', true],
  ["publish-35", true, '320a00017400010323000178', '4003000110', false],
  ["subscribe-35", true, '820a00010323000100017401', 'e00181', true],
  ["unsubscribe-35", true, 'a209000103230001000174', 'e00181', true],
  ["puback-35", true, '400700010003230001', '', true],
  ["pubrec-35", true, '500700010003230001', '', true],
  ["pubrel-35", true, '620700010003230001', '', true],
  ["pubcomp-35", true, '700700010003230001', '', true],
  ["disconnect-35", true, 'e0050003230001', '', true],
  ["auth-35", true, 'f0051803230001', '', true],
  ["connect-38", false, '101500044d5154540502003c0726000161000162000163', '200900000622000a210014', false],
  ["will-38", false, '101c00044d5154540506003c000001630726000161000162000177000178', '200900000622000a210014', false],
  ["publish-38", true, '320e0001740001072600016100016278', '4003000110', false],
  ["subscribe-38", true, '820e0001072600016100016200017401', '900400010001', false],
  ["unsubscribe-38", true, 'a20d00010726000161000162000174', 'b00400010011', false],
  ["puback-38", true, '400b0001000726000161000162', '', false],
  ["pubrec-38", true, '500b0001000726000161000162', '62020001', false],
  ["pubrel-38", true, '620b0001000726000161000162', '70020001', false],
  ["pubcomp-38", true, '700b0001000726000161000162', '', false],
  ["disconnect-38", true, 'e009000726000161000162', '', true],
  ["auth-38", true, 'f009180726000161000162', '', true],
  ["connect-39", false, '101300044d5154540502003c052700000001000163', '', true],
  ["will-39", false, '101a00044d5154540506003c00000163052700000001000177000178', '', true],
  ["publish-39", true, '320c000174000105270000000178', 'e00181', true],
  ["subscribe-39", true, '820c000105270000000100017401', 'e00181', true],
  ["unsubscribe-39", true, 'a20b0001052700000001000174', 'e00181', true],
  ["puback-39", true, '4009000100052700000001', '', true],
  ["pubrec-39", true, '5009000100052700000001', '', true],
  ["pubrel-39", true, '6209000100052700000001', '', true],
  ["pubcomp-39", true, '7009000100052700000001', '', true],
  ["disconnect-39", true, 'e00700052700000001', '', true],
  ["auth-39", true, 'f00718052700000001', '', true],
  ["connect-127", false, '101000044d5154540502003c027f01000163', '', true],
  ["will-127", false, '101700044d5154540506003c00000163027f01000177000178', '', true],
  ["publish-127", true, '32090001740001027f0178', 'e00181', true],
  ["subscribe-127", true, '82090001027f0100017401', 'e00181', true],
  ["unsubscribe-127", true, 'a2080001027f01000174', 'e00181', true],
  ["puback-127", true, '4006000100027f01', '', true],
  ["pubrec-127", true, '5006000100027f01', '', true],
  ["pubrel-127", true, '6206000100027f01', '', true],
  ["pubcomp-127", true, '7006000100027f01', '', true],
  ["disconnect-127", true, 'e00400027f01', '', true],
  ["auth-127", true, 'f00418027f01', '', true],
  ["connect-dup-1", false, '101200044d5154540502003c0401010101000163', '', true],
  ["publish-dup-1", true, '320b0001740001040101010178', '', true],
  ["will-dup-1", false, '101900044d5154540506003c000001630401010101000177000178', '', true],
  ["subscribe-dup-1", true, '820b0001040101010100017401', 'e00181', true],
  ["disconnect-dup-1", true, 'e006000401010101', '', true],
  ["connect-dup-11", false, '101200044d5154540502003c040b010b01000163', '', true],
  ["publish-dup-11", true, '320b0001740001040b010b0178', '', true],
  ["will-dup-11", false, '101900044d5154540506003c00000163040b010b01000177000178', '', true],
  ["subscribe-dup-11", true, '820b0001040b010b0100017401', '', true],
  ["disconnect-dup-11", true, 'e00600040b010b01', '', true],
  ["connect-dup-17", false, '101800044d5154540502003c0a11000000011100000001000163', '', true],
  ["publish-dup-17", true, '321100017400010a1100000001110000000178', 'e00181', true],
  ["will-dup-17", false, '101f00044d5154540506003c000001630a11000000011100000001000177000178', '', true],
  ["subscribe-dup-17", true, '821100010a1100000001110000000100017401', 'e00181', true],
  ["disconnect-dup-17", true, 'e00c000a11000000011100000001', '', true],
  ["connect-dup-35", false, '101400044d5154540502003c06230001230001000163', '', true],
  ["publish-dup-35", true, '320d00017400010623000123000178', '', true],
  ["will-dup-35", false, '101b00044d5154540506003c0000016306230001230001000177000178', '', true],
  ["subscribe-dup-35", true, '820d00010623000123000100017401', 'e00181', true],
  ["disconnect-dup-35", true, 'e0080006230001230001', '', true],
  ["connect-dup-38", false, '101c00044d5154540502003c0e2600016100016226000161000162000163', '200900000622000a210014', false],
  ["publish-dup-38", true, '321500017400010e260001610001622600016100016278', '4003000110', false],
  ["will-dup-38", false, '102300044d5154540506003c000001630e2600016100016226000161000162000177000178', '200900000622000a210014', false],
  ["subscribe-dup-38", true, '821500010e260001610001622600016100016200017401', '900400010001', false],
  ["disconnect-dup-38", true, 'e010000e2600016100016226000161000162', '', true],
  ["publish-proplen-too-long", true, '32080001740001100101', 'e00181', true],
  ["publish-prop-truncated-u32", true, '3209000174000103020000', 'e00181', true],
  ["publish-prop-string-overrun", true, '320a00017400010403000961', 'e00181', true],
  ["publish-varint-subid-0", true, '32090001740001020b0078', '4003000110', false],
  ["subscribe-subid-0", true, '82090001020b0000017401', 'e00181', true],
  ["subscribe-subid-big", true, '820c0001050bffffff7f00017401', '900400010001', false],
  ["subscribe-subid-5byte", true, '820d0001060bffffffff0100017401', 'e00181', true],
  ["publish-pfi-2", true, '3209000174000102010278', '4003000110', false],
  ["connect-rri-2", false, '101000044d5154540502003c021902000163', '', true],
  ["connect-rpi-2", false, '101000044d5154540502003c021702000163', '', true],
  ["connect-userprop-badutf8", false, '101500044d5154540502003c07260001ff000161000163', '', true],
  ["publish-ct-badutf8", true, '320b000174000104030001ff78', '', true],
  ["publish-rt-wildcard", true, '320b0001740001040800012378', '4003000110', false],
  ["publish-alias-0", true, '320a00017400010323000078', 'e00181', true],
];

let b: RunningBroker;
beforeAll(async () => {
  b = await start('allow_anonymous true\n');
});
afterAll(async () => {
  await b.stop();
});

/** The bytes of packets as they came off the wire. */
function bytes(ps: Packet[]): string {
  return ps.map((p) => {
    const len: number[] = [];
    let n = p.body.length;
    do { let x = n % 128; n = Math.floor(n / 128); if (n) x |= 0x80; len.push(x); } while (n);
    return Buffer.concat([Buffer.from([p.type | p.flags, ...len]), p.body]).toString('hex');
  }).join('');
}

describe('malformed MQTT 5 properties', () => {
  it.each(CASES)('%s', async (name, after, pkt, answer, closes) => {
    const c = await RawClient.open(b.port);
    try {
      if (after) {
        expect((await c.connect({ id: `m-${name}` })).rc).toBe(0);
      }
      c.send(Buffer.from(pkt, 'hex'));
      /* A PINGREQ sent at once could reach a broker that is closing the connection, and make
       * its kernel reset it; so it goes only once the broker has been quiet for a while. */
      const seen = (await c.settle(150)).filter((p): p is Packet => p !== 'closed');
      if (!c.closed) {
        c.send(packet(0xc0));
        for (;;) {
          const p = await c.next(5000);
          if (p === 'closed') break;
          seen.push(p);
          if (p.type === 0xd0) break;
        }
      }
      if (closes) {
        expect({ answer: bytes(seen), closed: c.closed }).toEqual({ answer, closed: true });
      } else {
        expect({ answer: bytes(seen), closed: c.closed }).toEqual({ answer: `${answer}d000`, closed: false });
      }
    } finally {
      c.end();
    }
  });
});
