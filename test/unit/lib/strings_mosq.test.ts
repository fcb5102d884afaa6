import { describe, expect, it } from 'vitest';
import { MOSQ_ERR_CONN_LOST, MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS } from '../../../src/include/mosquitto.js';
import { CMD_PUBLISH, CMD_WILL, MQTT_RC_NOT_AUTHORIZED, MQTT_RC_SUCCESS } from '../../../src/include/mqtt_protocol.js';
import {
  mosquitto_connack_string,
  mosquitto_reason_string,
  mosquitto_strerror,
  mosquitto_string_to_command,
} from '../../../src/lib/strings_mosq.js';

describe('strings_mosq', () => {
  it('describes error codes as mosquitto does', () => {
    expect(mosquitto_strerror(MOSQ_ERR_CONN_LOST)).toBe('The connection was lost.');
    expect(mosquitto_strerror(MOSQ_ERR_SUCCESS)).toBe('No error.');
    expect(mosquitto_strerror(9999)).toBe('Unknown error.');
  });

  it('describes CONNACK codes with the trailing full stop', () => {
    expect(mosquitto_connack_string(0)).toBe('Connection Accepted.');
    expect(mosquitto_connack_string(5)).toBe('Connection Refused: not authorised.');
    expect(mosquitto_connack_string(6)).toBe('Connection Refused: unknown reason.');
  });

  it('describes MQTT 5 reason codes', () => {
    expect(mosquitto_reason_string(MQTT_RC_SUCCESS)).toBe('Success');
    expect(mosquitto_reason_string(MQTT_RC_NOT_AUTHORIZED)).toBe('Not authorized');
    expect(mosquitto_reason_string(3)).toBe('Unknown reason');
  });

  it('maps command names in any case, and refuses unknown ones', () => {
    expect(mosquitto_string_to_command('PUBLISH')).toEqual({ rc: MOSQ_ERR_SUCCESS, cmd: CMD_PUBLISH });
    expect(mosquitto_string_to_command('will')).toEqual({ rc: MOSQ_ERR_SUCCESS, cmd: CMD_WILL });
    expect(mosquitto_string_to_command('pingreq').rc).toBe(MOSQ_ERR_INVAL);
  });
});
