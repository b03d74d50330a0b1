package handlers

import "github.com/gin-gonic/gin"

// CitizenDeps are what the endpoints for citizens (WeChat and Alipay mini programs) need.
type CitizenDeps struct{}

// registerCitizen lists the routes for citizens (WeChat and Alipay mini programs).
func (h *Handler) registerCitizen(r gin.IRouter) {}
