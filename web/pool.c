/* Connections to hoptacd kept between requests: see pool.h. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <mbedtls/md.h>

#include "pool.h"
#include "session.h"

#define WEB_POOL_SLOTS 1024

struct web_pool_slot {
	struct rpc_client *c; /* owned; NULL: free */
	unsigned char key[WEB_POOL_KEY];
	time_t since; /* given back at, monotonic */
};

static pthread_mutex_t web_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t web_pool_freed = PTHREAD_COND_INITIALIZER;
static struct web_pool_slot web_pool[WEB_POOL_SLOTS];
static unsigned web_pool_cap;
static unsigned web_pool_limit; /* clients open at once, idle or in use */
static unsigned web_pool_open;  /* under the lock */

/* Closes slot s's client; lock held. */
static void
web_pool_close(struct web_pool_slot *s)
{
	rpc_client_close(s->c);
	memset(s, 0, sizeof(*s));
	web_pool_open--;
	pthread_cond_signal(&web_pool_freed);
}

/* Closes the clients idle too long; lock held. */
static void
web_pool_sweep(time_t now)
{
	for (unsigned i = 0; i < web_pool_cap; i++)
		if (web_pool[i].c != NULL &&
		    now - web_pool[i].since >= WEB_POOL_IDLE_S)
			web_pool_close(&web_pool[i]);
}

void
web_pool_init(unsigned cap, unsigned limit)
{
	web_pool_cap = cap < WEB_POOL_SLOTS ? cap : WEB_POOL_SLOTS;
	web_pool_limit = limit;
}

void
web_pool_fini(void)
{
	pthread_mutex_lock(&web_pool_lock);
	for (unsigned i = 0; i < web_pool_cap; i++)
		if (web_pool[i].c != NULL)
			web_pool_close(&web_pool[i]);
	pthread_mutex_unlock(&web_pool_lock);
}

void
web_pool_key(const char *token, unsigned char key[WEB_POOL_KEY])
{
	mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
	    (const unsigned char *)token, strlen(token), key);
}

/* The idle slot of key, else (other is set) the one idle longest; lock
 * held. NULL: none. */
static struct web_pool_slot *
web_pool_find(const unsigned char key[WEB_POOL_KEY], int other)
{
	struct web_pool_slot *oldest = NULL;

	for (unsigned i = 0; i < web_pool_cap; i++) {
		struct web_pool_slot *s = &web_pool[i];

		if (s->c == NULL)
			continue;
		if (memcmp(s->key, key, WEB_POOL_KEY) == 0)
			return s;
		if (other && (oldest == NULL || s->since < oldest->since))
			oldest = s;
	}
	return oldest;
}

struct rpc_client *
web_pool_take(const unsigned char key[WEB_POOL_KEY],
    struct rpc_client *(*open)(void *arg), void *arg, unsigned wait_ms)
{
	struct rpc_client *c = NULL;
	struct web_pool_slot *s;
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&web_pool_lock);
	for (;;) {
		web_pool_sweep(session_clock());
		if ((s = web_pool_find(key, 0)) != NULL) {
			c = s->c;
			memset(s, 0, sizeof(*s));
			break;
		}
		if (web_pool_open < web_pool_limit) {
			web_pool_open++;
			pthread_mutex_unlock(&web_pool_lock);
			if ((c = open(arg)) != NULL)
				return c;
			pthread_mutex_lock(&web_pool_lock);
			web_pool_open--;
			pthread_cond_signal(&web_pool_freed);
			break;
		}
		/* At the limit: another credential's idle client makes room,
		 * or the request waits for one to come back. */
		if ((s = web_pool_find(key, 1)) != NULL) {
			web_pool_close(s);
			continue;
		}
		if (pthread_cond_timedwait(
		        &web_pool_freed, &web_pool_lock, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&web_pool_lock);
	return c;
}

void
web_pool_give(
    struct rpc_client *c, const unsigned char key[WEB_POOL_KEY], int reusable)
{
	time_t now = session_clock();
	struct web_pool_slot *free_slot = NULL, *oldest = NULL;
	unsigned same = 0;

	if (c == NULL)
		return;
	pthread_mutex_lock(&web_pool_lock);
	web_pool_sweep(now);
	for (unsigned i = 0; reusable && i < web_pool_cap; i++) {
		struct web_pool_slot *s = &web_pool[i];

		if (s->c == NULL) {
			if (free_slot == NULL)
				free_slot = s;
			continue;
		}
		same += memcmp(s->key, key, WEB_POOL_KEY) == 0;
		if (oldest == NULL || s->since < oldest->since)
			oldest = s;
	}
	/* Full: the client idle longest makes room, as it is the likeliest
	 * to have been left by someone gone. */
	if (free_slot == NULL && oldest != NULL &&
	    same < WEB_POOL_PER_CREDENTIAL) {
		web_pool_close(oldest);
		free_slot = oldest;
	}
	if (free_slot != NULL && same < WEB_POOL_PER_CREDENTIAL) {
		free_slot->c = c;
		memcpy(free_slot->key, key, WEB_POOL_KEY);
		free_slot->since = now;
		pthread_cond_broadcast(&web_pool_freed);
		c = NULL;
	}
	if (c != NULL) {
		rpc_client_close(c);
		web_pool_open--;
		pthread_cond_signal(&web_pool_freed);
	}
	pthread_mutex_unlock(&web_pool_lock);
}

void
web_pool_drop(const unsigned char key[WEB_POOL_KEY])
{
	pthread_mutex_lock(&web_pool_lock);
	for (unsigned i = 0; i < web_pool_cap; i++)
		if (web_pool[i].c != NULL &&
		    memcmp(web_pool[i].key, key, WEB_POOL_KEY) == 0)
			web_pool_close(&web_pool[i]);
	pthread_mutex_unlock(&web_pool_lock);
}
