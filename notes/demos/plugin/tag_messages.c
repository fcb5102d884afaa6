/*
 * Demo plugin for notes/plugins.md, version 5 interface, for Debian's mosquitto 2.0.11
 * (tag_messages.js is the same plugin for the port). On every PUBLISH the broker accepts it
 * appends " [TAG]" to the payload, TAG being plugin_opt_tag (default "tagged"), and it refuses a
 * payload that is exactly "forbidden".
 *
 *   gcc -shared -fPIC -I mosquitto-src/mosquitto-2.0.11/include -o tag_messages.so tag_messages.c
 */
#include <stdio.h>
#include <string.h>

#include "mosquitto.h"
#include "mosquitto_broker.h"
#include "mosquitto_plugin.h"

static mosquitto_plugin_id_t *plugin_id;
static char tag[64] = "tagged";

int mosquitto_plugin_version(int count, const int *versions)
{
	(void)count;
	(void)versions;
	return 5;
}

static int on_message(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_message *ed = event_data;
	char *payload;
	size_t len;

	(void)event;
	(void)userdata;
	if(ed->payloadlen == strlen("forbidden") && !memcmp(ed->payload, "forbidden", ed->payloadlen)){
		return MOSQ_ERR_ACL_DENIED;
	}
	/* The broker frees the old payload and keeps this one, so it must come from mosquitto_malloc. */
	len = ed->payloadlen + strlen(tag) + 3;
	payload = mosquitto_malloc(len + 1);
	if(payload == NULL) return MOSQ_ERR_NOMEM;
	memcpy(payload, ed->payload, ed->payloadlen);
	snprintf(payload + ed->payloadlen, strlen(tag) + 4, " [%s]", tag);
	ed->payload = payload;
	ed->payloadlen = (uint32_t)len;
	mosquitto_log_printf(MOSQ_LOG_INFO, "tag_messages: tagged a message on %s from %s", ed->topic, mosquitto_client_id(ed->client));
	return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **user_data, struct mosquitto_opt *opts, int opt_count)
{
	int i;

	(void)user_data;
	plugin_id = identifier;
	for(i = 0; i < opt_count; i++){
		if(!strcmp(opts[i].key, "tag")){
			snprintf(tag, sizeof(tag), "%s", opts[i].value);
		}
	}
	return mosquitto_callback_register(plugin_id, MOSQ_EVT_MESSAGE, on_message, NULL, NULL);
}

int mosquitto_plugin_cleanup(void *user_data, struct mosquitto_opt *opts, int opt_count)
{
	(void)user_data;
	(void)opts;
	(void)opt_count;
	return mosquitto_callback_unregister(plugin_id, MOSQ_EVT_MESSAGE, on_message, NULL);
}
